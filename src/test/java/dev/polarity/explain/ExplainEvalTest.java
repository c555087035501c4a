package dev.polarity.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.model.ModelFiles;
import dev.polarity.train.Example;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ERASER bookkeeping, and one small run on the shipped model. */
class ExplainEvalTest {

    @Test
    void topPicksTheHighestAttributionsAndRandomPicksDistinctWords() {
        assertThat(ExplainEval.top(new float[] {0.1f, -2f, 3f, 0.5f}, 2)).containsExactly(2, 3);
        int[] r = ExplainEval.random(10, 4, new Random(3));
        assertThat(r).hasSize(4).doesNotHaveDuplicates();
        assertThat(java.util.Arrays.stream(r).allMatch(w -> w >= 0 && w < 10)).isTrue();
    }

    @Test
    void deletingOrKeepingWordsDropsTheirPiecesButNeverClsOrSep() {
        Pieces p = new Pieces("ab cd-ef gh", new String[] {"[CLS]", "ab", "cd", "-", "ef", "gh", "[SEP]"},
                new int[] {1, 11, 23, 35, 47, 59, 2}, new int[7], new int[] {-1, 0, 3, 5, 6, 9, -1},
                new int[] {-1, 2, 5, 6, 8, 11, -1}, new boolean[] {true, false, false, false, false, false, true});
        List<Pieces.Word> words = p.words();
        assertThat(p.without(ExplainEval.drop(p, words, new int[] {1}, true))[0]).containsExactly(1, 11, 59, 2);
        assertThat(p.without(ExplainEval.drop(p, words, new int[] {1}, false))[0]).containsExactly(1, 23, 35, 47, 2);
    }

    @Test
    void aSmallRunReportsEveryMethodAndRandom() throws Exception {
        try (ModelFiles.Loaded m = ModelFiles.loadClassifier(ShippedModelExplainTest.SHIPPED, 256);
             PieceTokenizer tokenizer = new PieceTokenizer(ShippedModelExplainTest.SHIPPED.resolve(ModelFiles.TOKENIZER))) {
            Explainer explainer = new Explainer(m.model(), 0, Explainer.DEFAULT_MAX_PASS_TOKENS);
            List<Example> examples = List.of(new Example(0, "the plot is a mess and the acting is worse ."),
                    new Example(1, "a warm , funny and wonderful film ."), new Example(1, "never again"));
            ExplainEval.Report report = ExplainEval.run(explainer, tokenizer, examples,
                    new ExplainEval.Settings(2, 4, 0.2, 1), null);
            assertThat(report.sentences()).isEqualTo(2);
            assertThat(report.rows()).extracting(ExplainEval.Row::method)
                    .containsExactly("integrated-gradients", "gradient-x-input", "occlusion", "random");
            // deleting the words occlusion ranks first must hurt the prediction at least as much as random ones
            double occlusion = report.rows().get(2).comprehensiveness();
            assertThat(occlusion).isGreaterThan(report.rows().get(3).comprehensiveness()).isGreaterThan(0.1);
            assertThat(report.table()).contains("| occlusion |", "Sentences: 2");
        }
    }
}
