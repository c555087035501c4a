package dev.polarity.train;

/**
 * Whether a classifier's probabilities mean what they say, and temperature scaling to make them
 * (Guo et al., 2017): one scalar T divides the logits before the softmax, fitted by minimising the
 * negative log-likelihood on held-out labelled text. T leaves every argmax, so accuracy, as it is.
 */
public final class Calibration {
    /** Equal-width confidence bins for the expected calibration error, the usual 15. */
    public static final int BINS = 15;

    private Calibration() {}

    /** Class probabilities softmax(logits / t), in double. */
    public static double[] softmax(float[] logits, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / t);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] / t - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Mean negative log-likelihood of the true labels at temperature t. */
    public static double nll(float[][] logits, int[] labels, double t) {
        check(logits, labels);
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            sum -= Math.log(Math.max(softmax(logits[i], t)[labels[i]], 1e-300));
        }
        return sum / logits.length;
    }

    /**
     * Expected calibration error at temperature t: examples binned by their top probability into
     * {@link #BINS} equal-width bins; the mean over bins, weighted by their share of examples, of
     * |accuracy - mean confidence|.
     */
    public static double ece(float[][] logits, int[] labels, double t) {
        check(logits, labels);
        double[] confidence = new double[BINS];
        int[] hits = new int[BINS];
        int[] counts = new int[BINS];
        for (int i = 0; i < logits.length; i++) {
            double[] p = softmax(logits[i], t);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            int bin = Math.min(BINS - 1, (int) (p[best] * BINS));
            confidence[bin] += p[best];
            hits[bin] += best == labels[i] ? 1 : 0;
            counts[bin]++;
        }
        double ece = 0;
        for (int b = 0; b < BINS; b++) {
            if (counts[b] > 0) {
                ece += Math.abs(hits[b] - confidence[b]) / logits.length;
            }
        }
        return ece;
    }

    /**
     * The temperature in [0.05, 20] that minimises {@link #nll}: the likelihood is unimodal in
     * log T, so a golden-section search on log T finds it to well under 0.1%.
     */
    public static double fitTemperature(float[][] logits, int[] labels) {
        check(logits, labels);
        double lo = Math.log(0.05);
        double hi = Math.log(20);
        double g = (Math.sqrt(5) - 1) / 2;
        double a = hi - g * (hi - lo);
        double b = lo + g * (hi - lo);
        double fa = nll(logits, labels, Math.exp(a));
        double fb = nll(logits, labels, Math.exp(b));
        while (hi - lo > 1e-4) {
            if (fa <= fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - g * (hi - lo);
                fa = nll(logits, labels, Math.exp(a));
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + g * (hi - lo);
                fb = nll(logits, labels, Math.exp(b));
            }
        }
        return Math.exp((lo + hi) / 2);
    }

    private static void check(float[][] logits, int[] labels) {
        if (logits.length == 0 || logits.length != labels.length) {
            throw new IllegalArgumentException("calibration needs one label per row of logits and at least one row, got "
                    + logits.length + " rows and " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= logits[i].length) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is outside 0.." + (logits[i].length - 1));
            }
        }
    }
}
