package dev.polarity.cli.predict;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Where a long run stands, on stderr. On a terminal one line is redrawn in place (rows, share of
 * the file read, rows/s, time left); in a log, where a redrawn line would be noise, a plain line
 * every ten seconds. The clock is given, so a test can move it.
 */
public final class ProgressLine {
    private static final long REDRAW_NANOS = 250_000_000L;
    private static final long LOG_NANOS = 10_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final long totalBytes;
    private final LongSupplier nanoClock;
    private final long start;
    private long last;
    private boolean drawn;

    /** {@code totalBytes} is the input's size, or -1 when unknown (standard input). */
    public ProgressLine(PrintWriter err, boolean terminal, long totalBytes, LongSupplier nanoClock) {
        this.err = err;
        this.terminal = terminal;
        this.totalBytes = totalBytes;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.last = start;
    }

    void update(long rows, long bytes) {
        long now = nanoClock.getAsLong();
        if (now - last < (terminal ? REDRAW_NANOS : LOG_NANOS)) {
            return;
        }
        last = now;
        double rate = rows / seconds(now);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "predict: %,d rows", rows));
        if (totalBytes > 0) {
            double share = Math.min(1.0, bytes / (double) totalBytes);
            s.append(terminal ? " " + bar(share) : ",").append(String.format(Locale.ROOT, " %.0f%%", 100 * share));
            if (share > 0) {
                long left = Math.round(seconds(now) * (1 - share) / share);
                s.append(String.format(Locale.ROOT, ", %dm%02ds left", left / 60, left % 60));
            }
        }
        s.append(String.format(Locale.ROOT, ", %.1f rows/s", rate));
        if (terminal) {
            err.print("\r" + s + "   ");
            drawn = true;
        } else {
            err.println(s);
        }
        err.flush();
    }

    /** The last line: how many rows, how many skipped, and the throughput. */
    public void finish(long rows, long malformed) {
        double seconds = seconds(nanoClock.getAsLong());
        if (drawn) {
            err.println();
        }
        err.println(String.format(Locale.ROOT, "predict: %,d rows (%,d malformed, skipped) in %.1f s: %.1f rows/s",
                rows, malformed, seconds, rows / seconds));
        err.flush();
    }

    private double seconds(long now) {
        return Math.max(now - start, 1) / 1e9;
    }

    private static String bar(double share) {
        int filled = (int) Math.round(share * 20);
        return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
    }
}
