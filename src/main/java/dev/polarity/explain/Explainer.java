package dev.polarity.explain;

import dev.polarity.engine.autograd.GraphStats;
import dev.polarity.model.Batch;
import dev.polarity.model.SequenceClassifier;
import java.util.Arrays;
import java.util.List;

/**
 * Attributes a classifier's probability for one label to the pieces and words of a text. The
 * model must be in eval(): explanations describe the served model, dropout off. Gradient methods
 * run with grad mode ON (see {@link Gradients}); occlusion runs under noGrad(), on the same fast
 * path as /predict. Not tied to Spring: the service and {@link ExplainEval} both use it.
 */
public final class Explainer {
    /** Default cap on rows x tokens of one pass, which bounds the memory a recorded graph holds. */
    public static final int DEFAULT_MAX_PASS_TOKENS = 4096;

    private final SequenceClassifier model;
    private final Gradients gradients;
    private final int maxPassTokens;

    /**
     * @param padId         the [PAD] id, whose embedding is integrated gradients' baseline
     * @param maxPassTokens most rows x tokens per forward pass; more interpolation steps are split over passes
     */
    public Explainer(SequenceClassifier model, int padId, int maxPassTokens) {
        if (maxPassTokens < 1) {
            throw new IllegalArgumentException("maxPassTokens must be positive, got " + maxPassTokens);
        }
        this.model = model;
        this.gradients = new Gradients(model, padId);
        this.maxPassTokens = maxPassTokens;
    }

    public List<String> labels() {
        return model.labels();
    }

    /** Probabilities of the text under noGrad(), exactly as the service's forward pass computes them. */
    public float[] probabilities(Pieces pieces) {
        requireEval();
        return model.probabilities(batch(List.<int[][]>of(new int[][] {pieces.ids(), pieces.typeIds()})))[0];
    }

    /** Probabilities of several id rows ({ids, typeIds} each) under noGrad(), in passes of bounded size. */
    public float[][] probabilities(List<int[][]> rows) {
        requireEval();
        float[][] out = new float[rows.size()][];
        int longest = rows.stream().mapToInt(r -> r[0].length).max().orElse(1);
        int perPass = Math.max(1, maxPassTokens / Math.max(1, longest));
        for (int from = 0; from < rows.size(); from += perPass) {
            checkCancelled();
            int to = Math.min(rows.size(), from + perPass);
            float[][] p = model.probabilities(batch(rows.subList(from, to)));
            System.arraycopy(p, 0, out, from, to - from);
        }
        return out;
    }

    /**
     * @param target label index, or -1 for the predicted label
     * @param steps  integrated gradients' interpolation intervals (ignored by the other methods)
     */
    public Explanation explain(Pieces pieces, Method method, int target, int steps) {
        requireEval();
        float[] probabilities = probabilities(pieces);
        int t = target >= 0 ? target : argmax(probabilities);
        if (t >= probabilities.length) {
            throw new IllegalArgumentException("target " + t + " is not a label index of " + model.labels());
        }
        List<Pieces.Word> words = pieces.words();
        long nodesBefore = GraphStats.threadNodes();
        float[] tokens;
        Explanation.Completeness completeness = null;
        switch (method) {
            case INTEGRATED_GRADIENTS -> {
                Gradients.Integrated ig = gradients.integrated(pieces, t, steps, maxPassTokens);
                tokens = ig.attributions();
                completeness = ig.completeness();
            }
            case GRADIENT_X_INPUT -> tokens = gradients.timesInput(pieces, t);
            case OCCLUSION -> tokens = occlusion(pieces, words, t, probabilities[t]);
            default -> throw new IllegalArgumentException("unknown method " + method);
        }
        long nodes = GraphStats.threadNodes() - nodesBefore;
        return new Explanation(method, pieces, probabilities, t, tokens, words, Explanation.perWord(words, tokens),
                completeness, nodes);
    }

    /**
     * Each word's attribution is how much the target probability falls when that word is deleted
     * (all its pieces, so the sequence gets shorter rather than holding a placeholder); a word's
     * share is split evenly over its pieces so that they sum back to it.
     */
    private float[] occlusion(Pieces pieces, List<Pieces.Word> words, int target, float full) {
        List<int[][]> rows = new java.util.ArrayList<>(words.size());
        for (Pieces.Word w : words) {
            boolean[] drop = new boolean[pieces.length()];
            Arrays.fill(drop, w.firstPiece(), w.endPiece(), true);
            rows.add(pieces.without(drop));
        }
        float[][] p = probabilities(rows);
        float[] tokens = new float[pieces.length()];
        for (int w = 0; w < words.size(); w++) {
            Pieces.Word word = words.get(w);
            float share = (full - p[w][target]) / (word.endPiece() - word.firstPiece());
            Arrays.fill(tokens, word.firstPiece(), word.endPiece(), share);
        }
        return tokens;
    }

    /**
     * Between passes, an interrupted thread stops: a server that has given up waiting for an
     * explanation cancels it, and this is where the work actually ends.
     */
    static void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("explanation cancelled");
        }
    }

    private void requireEval() {
        if (model.isTraining()) {
            throw new IllegalStateException("explanations need the model in eval() (dropout off)");
        }
    }

    /** Pads rows of {ids, typeIds} to the longest, mask 1 on real tokens. */
    static Batch batch(List<int[][]> rows) {
        int len = rows.stream().mapToInt(r -> r[0].length).max().orElse(0);
        int n = rows.size();
        int[] ids = new int[n * len];
        int[] types = new int[n * len];
        int[] mask = new int[n * len];
        for (int r = 0; r < n; r++) {
            int[] rowIds = rows.get(r)[0];
            System.arraycopy(rowIds, 0, ids, r * len, rowIds.length);
            System.arraycopy(rows.get(r)[1], 0, types, r * len, rowIds.length);
            Arrays.fill(mask, r * len, r * len + rowIds.length, 1);
        }
        return new Batch(n, len, ids, types, mask);
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }
}
