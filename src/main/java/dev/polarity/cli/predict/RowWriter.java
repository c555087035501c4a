package dev.polarity.cli.predict;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/**
 * One output line per input row, in input order: its line number, the label, its score and
 * every label's probability, or, for a row that was skipped, the reason in the last column
 * (JSON lines: an "error" field), so the output still lines up with the input row for row.
 */
public final class RowWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Writer out;
    private final Format format;
    private final List<String> labels;

    public RowWriter(Writer out, Format format, List<String> labels) throws IOException {
        this.out = out;
        this.format = format;
        this.labels = labels;
        if (format != Format.JSONL) {
            List<String> header = new ArrayList<>(List.of("line", "label", "score"));
            header.addAll(labels);
            header.add("error");
            line(header);
        }
    }

    public void write(Row row, float[] p) throws IOException {
        if (format == Format.JSONL) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("line", row.line());
            if (p == null) {
                o.put("error", row.error());
            } else {
                int best = argmax(p);
                o.put("label", labels.get(best));
                o.put("score", p[best]);
                Map<String, Object> scores = new LinkedHashMap<>();
                for (int i = 0; i < p.length; i++) {
                    scores.put(labels.get(i), p[i]);
                }
                o.put("scores", scores);
            }
            out.write(JSON.writeValueAsString(o));
            out.write('\n');
            return;
        }
        List<String> fields = new ArrayList<>();
        fields.add(Long.toString(row.line()));
        if (p == null) {
            for (int i = 0; i < labels.size() + 2; i++) {
                fields.add("");
            }
            fields.add(row.error());
        } else {
            int best = argmax(p);
            fields.add(labels.get(best));
            fields.add(number(p[best]));
            for (float v : p) {
                fields.add(number(v));
            }
            fields.add("");
        }
        line(fields);
    }

    private void line(List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(format == Format.TSV ? '\t' : ',');
            }
            String f = fields.get(i);
            out.write(format == Format.CSV ? Csv.quote(f) : f.replace('\t', ' '));
        }
        out.write('\n');
    }

    /** Six decimals, as %.6f would write a probability, without its cost on every row of a large file. */
    static String number(float v) {
        long micros = Math.round((double) v * 1_000_000);
        return micros / 1_000_000 + "." + Long.toString(1_000_000 + micros % 1_000_000).substring(1);
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    public void flush() throws IOException {
        out.flush();
    }
}
