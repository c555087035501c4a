package dev.polarity.explain;

import dev.polarity.engine.autograd.Autograd;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.Batch;
import dev.polarity.model.SequenceClassifier;
import java.util.List;

/**
 * The gradient methods: the model in eval() with grad mode ON, the target label's probability
 * differentiated with {@link Autograd#grad} with respect to the word embeddings (position and
 * token-type embeddings are added inside the model, so they are not attributed). No parameter's
 * {@code .grad} is touched.
 */
final class Gradients {
    /** Integrated gradients' baseline: [PAD]'s word embedding at every piece but [CLS] and [SEP]. */
    static final String BASELINE = "pad";

    private final SequenceClassifier model;
    private final int padId;

    Gradients(SequenceClassifier model, int padId) {
        this.model = model;
        this.padId = padId;
    }

    record Integrated(float[] attributions, Explanation.Completeness completeness) {}

    /**
     * Integrated gradients along the straight line from the baseline b to the input x: per piece,
     * sum over the hidden dimension of (x - b) * the mean gradient on the path. The mean uses the
     * trapezoid rule over {@code steps + 1} points alpha = k / steps, whose two ends are the
     * forward passes at b and at x, so f(b) and f(x) for the completeness check come from the same
     * passes. All points form one batch unless they exceed {@code maxPassTokens} (the recorded
     * graph's memory grows with rows x tokens); then consecutive points go in several passes.
     */
    Integrated integrated(Pieces pieces, int target, int steps, int maxPassTokens) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        int len = pieces.length();
        float[] x = embeddings(pieces.ids(), pieces);
        float[] b = embeddings(baselineIds(pieces), pieces);
        int size = x.length;
        float[] meanGrad = new float[size];
        int points = steps + 1;
        int perPass = Math.max(1, maxPassTokens / len);
        double fBaseline = 0;
        double fInput = 0;
        for (int from = 0; from < points; from += perPass) {
            Explainer.checkCancelled();
            int rows = Math.min(points, from + perPass) - from;
            float[] path = new float[rows * size];
            for (int r = 0; r < rows; r++) {
                float alpha = (float) (from + r) / steps;
                for (int i = 0; i < size; i++) {
                    path[r * size + i] = b[i] + alpha * (x[i] - b[i]);
                }
            }
            Pass pass = pass(path, rows, pieces, target);
            for (int r = 0; r < rows; r++) {
                int k = from + r;
                float weight = (k == 0 || k == steps ? 0.5f : 1f) / steps;
                for (int i = 0; i < size; i++) {
                    meanGrad[i] += weight * pass.grad()[r * size + i];
                }
                if (k == 0) {
                    fBaseline = pass.target()[r];
                }
                if (k == steps) {
                    fInput = pass.target()[r];
                }
            }
        }
        float[] attributions = perPiece(meanGrad, x, b, len);
        double sum = 0;
        for (float a : attributions) {
            sum += a;
        }
        return new Integrated(attributions, new Explanation.Completeness(BASELINE, steps, sum, fInput, fBaseline));
    }

    /** Gradient x input: per piece, sum over the hidden dimension of x * df/dx at the input itself. */
    float[] timesInput(Pieces pieces, int target) {
        float[] x = embeddings(pieces.ids(), pieces);
        Pass pass = pass(x.clone(), 1, pieces, target);
        float[] attributions = perPiece(pass.grad(), x, new float[x.length], pieces.length());
        for (int i = 0; i < attributions.length; i++) {
            if (pieces.special()[i]) {
                attributions[i] = 0; // [CLS]/[SEP] carry no text to credit
            }
        }
        return attributions;
    }

    private record Pass(float[] target, float[] grad) {}

    /** One batched forward and backward in eval() with grad ON: the target probability per row and its gradient. */
    private Pass pass(float[] rowsOfWords, int rows, Pieces pieces, int target) {
        int len = pieces.length();
        int hidden = rowsOfWords.length / (rows * len);
        Batch batch = repeat(pieces, rows);
        try (GradMode.Scope grad = GradMode.enableGrad()) {
            Tensor words = Tensor.fromArray(rowsOfWords, rows, len, hidden).requiresGrad(true);
            Tensor p = model.probabilitiesOf(model.forwardFromWordEmbeddings(words, batch)).select(1, target);
            float[] values = p.toArray();
            // Rows are independent, so the gradient of their sum holds each row's own gradient.
            Tensor g = Autograd.grad(List.of(p.sum()), List.of(words), null, false).get(0);
            return new Pass(values, g.toArray());
        }
    }

    private float[] embeddings(int[] ids, Pieces pieces) {
        Batch one = new Batch(1, ids.length, ids, pieces.typeIds(), ones(ids.length));
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            return model.encoder().wordEmbeddings(one).toArray();
        }
    }

    private int[] baselineIds(Pieces pieces) {
        int[] ids = pieces.ids().clone();
        for (int i = 0; i < ids.length; i++) {
            if (!pieces.special()[i]) {
                ids[i] = padId;
            }
        }
        return ids;
    }

    private static float[] perPiece(float[] grad, float[] x, float[] b, int len) {
        int hidden = x.length / len;
        float[] out = new float[len];
        for (int t = 0; t < len; t++) {
            double s = 0;
            for (int h = t * hidden; h < (t + 1) * hidden; h++) {
                s += (double) grad[h] * (x[h] - b[h]);
            }
            out[t] = (float) s;
        }
        return out;
    }

    private static Batch repeat(Pieces pieces, int rows) {
        int len = pieces.length();
        int[] ids = new int[rows * len];
        int[] types = new int[rows * len];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(pieces.ids(), 0, ids, r * len, len);
            System.arraycopy(pieces.typeIds(), 0, types, r * len, len);
        }
        return new Batch(rows, len, ids, types, ones(rows * len));
    }

    private static int[] ones(int n) {
        int[] m = new int[n];
        java.util.Arrays.fill(m, 1);
        return m;
    }
}
