package dev.polarity.cli.predict;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Pulls rows one at a time, so a file of any length is read in constant memory. TSV and CSV
 * start with a header that names the text column; JSON lines hold an object with that field or
 * a bare string. A row that cannot be read comes back malformed, with its line number, rather
 * than stopping the run; only a header without the text column does, before anything is written.
 */
public final class RowReader {
    /** Tried in order when --text-column is not given: the usual name, then SST-2's and GLUE's. */
    private static final List<String> USUAL_COLUMNS = List.of("text", "content", "sentence");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LineSource lines;
    private final Format format;
    private final String column;
    private int columnIndex = -1;
    private int width;

    /** @throws IllegalArgumentException when the header does not name a text column */
    public RowReader(InputStream in, Format format, String textColumn) throws IOException {
        this.lines = new LineSource(in);
        this.format = format;
        this.column = textColumn != null ? textColumn : format == Format.JSONL ? "text" : null;
        if (format != Format.JSONL) {
            readHeader(textColumn);
        }
    }

    private void readHeader(String wanted) throws IOException {
        String first = lines.next();
        if (first == null) {
            return; // an empty file: no rows, nothing to say
        }
        List<String> names = format == Format.TSV ? Arrays.asList(first.split("\t", -1)) : Csv.record(first, lines);
        if (names == null || lines.invalid()) {
            throw new IllegalArgumentException("line 1: the header line cannot be read");
        }
        List<String> trimmed = names.stream().map(String::strip).toList();
        if (wanted != null) {
            columnIndex = trimmed.indexOf(wanted);
        } else {
            for (String usual : USUAL_COLUMNS) {
                if (columnIndex < 0) {
                    columnIndex = trimmed.indexOf(usual);
                }
            }
        }
        if (columnIndex < 0) {
            // Guessing would be worse: a headerless file would lose its first text to the "header".
            throw new IllegalArgumentException("line 1: the header " + trimmed + " has no column "
                    + (wanted != null ? "'" + wanted + "'" : "named text, content or sentence")
                    + "; name the text column with --text-column (the first line must be a header)");
        }
        width = trimmed.size();
    }

    /** The next row, or null at the end of the input. */
    public Row next() throws IOException {
        String line = lines.next();
        if (line == null) {
            return null;
        }
        long number = lines.number();
        if (lines.invalid()) {
            return Row.malformed(number, "not valid UTF-8");
        }
        return switch (format) {
            case TSV -> fields(number, Arrays.asList(line.split("\t", -1)));
            case CSV -> {
                List<String> fields = Csv.record(line, lines);
                yield fields == null ? Row.malformed(number, "a quoted field is never closed") : fields(number, fields);
            }
            case JSONL -> json(number, line);
        };
    }

    private Row fields(long number, List<String> fields) {
        if (fields.size() <= columnIndex) {
            return Row.malformed(number, fields.size() + " fields where the header has " + width);
        }
        return text(number, fields.get(columnIndex));
    }

    private Row json(long number, String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JacksonException e) {
            return Row.malformed(number, "not JSON");
        }
        if (node != null && node.isString()) {
            return text(number, node.stringValue());
        }
        if (node == null || !node.isObject()) {
            return Row.malformed(number, "expected an object with a '" + column + "' field, or a string");
        }
        JsonNode value = node.get(column);
        if (value == null || !value.isString()) {
            return Row.malformed(number, "no string field '" + column + "'");
        }
        return text(number, value.stringValue());
    }

    private static Row text(long number, String text) {
        return text.isBlank() ? Row.malformed(number, "empty text") : Row.ok(number, text);
    }

    public long bytesRead() {
        return lines.bytesRead();
    }
}
