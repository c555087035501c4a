package dev.polarity.cli.predict;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a window of rows, scores the readable ones together, writes them all back in order, and
 * moves on: at most {@code window} rows are held at once, so memory does not grow with the file.
 * A window is several batches, so that sorting by length inside it finds texts of like length.
 */
public final class Pipeline {
    /** What a finished run reports. */
    public record Summary(long rows, long malformed, int maxRowsHeld) {}

    private final RowReader in;
    private final RowWriter out;
    private final Scorer scorer;
    private final int window;
    private final Consumer<Row> onMalformed;
    private final ProgressLine progress;

    public Pipeline(RowReader in, RowWriter out, Scorer scorer, int window, Consumer<Row> onMalformed, ProgressLine progress) {
        this.in = in;
        this.out = out;
        this.scorer = scorer;
        this.window = window;
        this.onMalformed = onMalformed;
        this.progress = progress;
    }

    public Summary run() throws IOException {
        long rows = 0;
        long malformed = 0;
        int maxHeld = 0;
        List<Row> held = new ArrayList<>(window);
        List<String> texts = new ArrayList<>(window);
        while (true) {
            held.clear();
            texts.clear();
            Row r;
            while (held.size() < window && (r = in.next()) != null) {
                held.add(r);
                if (r.valid()) {
                    texts.add(r.text());
                }
            }
            if (held.isEmpty()) {
                break;
            }
            maxHeld = Math.max(maxHeld, held.size());
            float[][] p = texts.isEmpty() ? new float[0][] : scorer.probabilities(texts);
            int next = 0;
            for (Row row : held) {
                if (row.valid()) {
                    out.write(row, p[next++]);
                } else {
                    malformed++;
                    onMalformed.accept(row);
                    out.write(row, null);
                }
            }
            rows += held.size();
            out.flush(); // each window reaches the reader as it is done, and a closed output stops the run
            progress.update(rows, in.bytesRead());
        }
        out.flush();
        return new Summary(rows, malformed, maxHeld);
    }
}
