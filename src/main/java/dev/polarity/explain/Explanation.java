package dev.polarity.explain;

import java.util.List;

/**
 * What an explainer says about one text.
 *
 * @param probabilities     the model's probabilities for the text, in label order (the same numbers /predict gives)
 * @param target            the label index whose probability is attributed
 * @param tokenAttributions one value per piece of {@link Pieces}, 0 for [CLS] and [SEP]
 * @param words             the text's words; {@code wordAttributions} holds the sum over each word's pieces
 * @param completeness      integrated gradients only (else null)
 * @param graphNodes        autograd nodes recorded while explaining (0 for occlusion)
 */
public record Explanation(Method method, Pieces pieces, float[] probabilities, int target, float[] tokenAttributions,
                          List<Pieces.Word> words, float[] wordAttributions, Completeness completeness, long graphNodes) {

    /**
     * Integrated gradients' completeness check on the target's probability: the attributions
     * should sum to f(input) - f(baseline).
     *
     * @param baseline  how the baseline input was made
     * @param sum       sum of all token attributions
     * @param input     f(input), target probability at the input
     * @param reference f(baseline)
     */
    public record Completeness(String baseline, int steps, double sum, double input, double reference) {
        /** |sum - (f(x) - f(baseline))|. */
        public double gap() {
            return Math.abs(sum - (input - reference));
        }

        /** The gap as a share of |f(x) - f(baseline)|: what the 5% goal is about. */
        public double relativeGap() {
            double delta = Math.abs(input - reference);
            return delta == 0 ? (gap() == 0 ? 0 : Double.POSITIVE_INFINITY) : gap() / delta;
        }
    }

    /** Sums piece attributions into word attributions. */
    static float[] perWord(List<Pieces.Word> words, float[] tokens) {
        float[] out = new float[words.size()];
        for (int w = 0; w < out.length; w++) {
            Pieces.Word word = words.get(w);
            for (int i = word.firstPiece(); i < word.endPiece(); i++) {
                out[w] += tokens[i];
            }
        }
        return out;
    }
}
