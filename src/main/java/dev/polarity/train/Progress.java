package dev.polarity.train;

import java.io.PrintStream;

/** One status line every few seconds: step, epoch, loss, examples/s, ETA and the last accuracy on the selection set. */
final class Progress {
    private static final long EVERY_NANOS = 15_000_000_000L;

    private final PrintStream log;
    private final int total;
    private final int firstStep;
    private final String selection;
    private final long start = System.nanoTime();
    private long lastPrint = start;
    private long examples;
    private double smoothLoss = Double.NaN;

    Progress(PrintStream log, int total, int firstStep, String selection) {
        this.log = log;
        this.selection = selection;
        this.total = total;
        this.firstStep = firstStep;
    }

    void step(int step, int epoch, int epochs, float loss, int batchSize, float lr, double lastDev) {
        examples += batchSize;
        smoothLoss = Double.isNaN(smoothLoss) ? loss : 0.98 * smoothLoss + 0.02 * loss;
        long now = System.nanoTime();
        if (now - lastPrint < EVERY_NANOS && step != total) {
            return;
        }
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        double stepsPerSecond = (step - firstStep) / seconds;
        long eta = stepsPerSecond > 0 ? Math.round((total - step) / stepsPerSecond) : 0;
        log.printf("step %d/%d  epoch %d/%d  loss %.4f  lr %.2e  %.1f ex/s  ETA %dh%02dm  %s %s%n", step, total, epoch, epochs,
                smoothLoss, lr, examplesPerSecond(), eta / 3600, eta / 60 % 60, selection, lastDev < 0 ? "-" : String.format("%.4f", lastDev));
    }

    double examplesPerSecond() {
        return examples / Math.max((System.nanoTime() - start) / 1e9, 1e-9);
    }

    double elapsedMinutes() {
        return (System.nanoTime() - start) / 60e9;
    }
}
