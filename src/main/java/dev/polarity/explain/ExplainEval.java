package dev.polarity.explain;

import dev.polarity.train.Example;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * ERASER's faithfulness measures (DeYoung et al., 2020) for each method on a labelled TSV:
 * comprehensiveness, the drop in the predicted label's probability when the top share of words by
 * attribution is deleted, and sufficiency, the drop when only they are kept (lower is better),
 * against deleting as many words at random. Also the time per explanation and how often integrated
 * gradients' completeness gap is under 5% of |f(x) - f(baseline)|.
 */
public final class ExplainEval {
    static final double GAP_GOAL = 0.05;

    /** @param fraction share of a sentence's words deleted or kept (at least one word) */
    public record Settings(int limit, int steps, double fraction, long seed) {}

    /** Means over the sentences; {@code millis} is the mean time of one explanation (0 for random). */
    public record Row(String method, double comprehensiveness, double sufficiency, double millis) {}

    public record Report(int sentences, List<Row> rows, double shareGapUnder5, double medianRelativeGap, int steps) {
        public String table() {
            StringBuilder s = new StringBuilder("| method | comprehensiveness | sufficiency | ms / explanation |\n"
                    + "| --- | ---: | ---: | ---: |\n");
            for (Row r : rows) {
                s.append(String.format(java.util.Locale.ROOT, "| %s | %.4f | %.4f | %.0f |%n", r.method(),
                        r.comprehensiveness(), r.sufficiency(), r.millis()));
            }
            s.append(String.format(java.util.Locale.ROOT, "%nSentences: %d. Integrated gradients at %d steps: completeness gap "
                    + "under 5%% of |f(x) - f(baseline)| on %.1f%% of sentences (median relative gap %.4f).%n",
                    sentences, steps, 100 * shareGapUnder5, medianRelativeGap));
            return s.toString();
        }
    }

    private ExplainEval() {}

    /** Runs every method on the first {@code settings.limit()} examples; {@code progress} gets the table so far every 25 sentences. */
    public static Report run(Explainer explainer, PieceTokenizer tokenizer, List<Example> examples, Settings settings,
                             PrintStream progress) {
        List<Method> methods = List.of(Method.values());
        int n = Math.min(settings.limit(), examples.size());
        double[][] sums = new double[methods.size() + 1][3]; // comprehensiveness, sufficiency, nanos; last row random
        List<Double> gaps = new ArrayList<>();
        int counted = 0;
        for (int s = 0; s < n; s++) {
            Pieces pieces = tokenizer.encode(examples.get(s).text());
            List<Pieces.Word> words = pieces.words();
            if (words.isEmpty()) {
                continue;
            }
            int k = Math.max(1, (int) Math.round(settings.fraction() * words.size()));
            List<int[]> chosen = new ArrayList<>();
            int predicted = -1;
            for (int m = 0; m < methods.size(); m++) {
                long start = System.nanoTime();
                Explanation e = explainer.explain(pieces, methods.get(m), -1, settings.steps());
                sums[m][2] += System.nanoTime() - start;
                predicted = e.target();
                chosen.add(top(e.wordAttributions(), k));
                if (e.completeness() != null) {
                    gaps.add(e.completeness().relativeGap());
                }
            }
            chosen.add(random(words.size(), k, new Random(settings.seed() * 1_000_003L + s)));
            float full = explainer.probabilities(pieces)[predicted];
            List<int[][]> rows = new ArrayList<>();
            for (int[] set : chosen) {
                rows.add(pieces.without(drop(pieces, words, set, true)));
                rows.add(pieces.without(drop(pieces, words, set, false)));
            }
            float[][] p = explainer.probabilities(rows);
            for (int m = 0; m < chosen.size(); m++) {
                sums[m][0] += full - p[2 * m][predicted];
                sums[m][1] += full - p[2 * m + 1][predicted];
            }
            counted++;
            if (progress != null && counted % 25 == 0) {
                // a long run can be read (or cut short) at any point
                progress.printf("explain-eval: %d/%d sentences so far%n%s%n", counted, n,
                        report(methods, sums, gaps, counted, settings.steps()).table());
            }
        }
        return report(methods, sums, gaps, counted, settings.steps());
    }

    private static Report report(List<Method> methods, double[][] sums, List<Double> gaps, int counted, int steps) {
        List<Row> rows = new ArrayList<>();
        int c = Math.max(1, counted);
        for (int m = 0; m <= methods.size(); m++) {
            String name = m < methods.size() ? methods.get(m).wireName() : "random";
            rows.add(new Row(name, sums[m][0] / c, sums[m][1] / c, sums[m][2] / c / 1e6));
        }
        double under = gaps.stream().filter(g -> g < GAP_GOAL).count() / (double) Math.max(1, gaps.size());
        double[] sorted = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
        return new Report(counted, rows, under, median, steps);
    }

    /** Indices of the {@code k} words with the highest attribution toward the explained label. */
    static int[] top(float[] attributions, int k) {
        return IntStream.range(0, attributions.length).boxed()
                .sorted(Comparator.comparingDouble((Integer w) -> attributions[w]).reversed())
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    static int[] random(int words, int k, Random rng) {
        List<Integer> all = new ArrayList<>(IntStream.range(0, words).boxed().toList());
        java.util.Collections.shuffle(all, rng);
        return all.subList(0, k).stream().mapToInt(Integer::intValue).toArray();
    }

    /** Pieces to drop: those of the chosen words ({@code chosen} true) or of every other word. */
    static boolean[] drop(Pieces pieces, List<Pieces.Word> words, int[] set, boolean chosen) {
        boolean[] inSet = new boolean[words.size()];
        for (int w : set) {
            inSet[w] = true;
        }
        boolean[] drop = new boolean[pieces.length()];
        for (int w = 0; w < words.size(); w++) {
            if (inSet[w] == chosen) {
                Arrays.fill(drop, words.get(w).firstPiece(), words.get(w).endPiece(), true);
            }
        }
        return drop;
    }
}
