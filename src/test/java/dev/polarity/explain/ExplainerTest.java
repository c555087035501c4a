package dev.polarity.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.model.BertConfig;
import dev.polarity.model.SequenceClassifier;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The explanation methods on a small random model: completeness, consistency, and what they leave alone. */
class ExplainerTest {
    private static final BertConfig SMALL = new BertConfig("bert", 100, 32, 2, 4, 64, "gelu", 64, 2, 1e-12, 0.1, 0.1, 0, List.of());
    // "ab cd-ef gh" as [CLS] ab cd - ef gh [SEP]: three words, the middle one in three pieces.
    private static final Pieces TEXT = new Pieces("ab cd-ef gh", new String[] {"[CLS]", "ab", "cd", "-", "ef", "gh", "[SEP]"},
            new int[] {1, 11, 23, 35, 47, 59, 2}, new int[7], new int[] {-1, 0, 3, 5, 6, 9, -1},
            new int[] {-1, 2, 5, 6, 8, 11, -1}, new boolean[] {true, false, false, false, false, false, true});

    private static SequenceClassifier model(long seed) {
        SequenceClassifier model = new SequenceClassifier(SMALL, List.of("negative", "positive"), new Random(seed));
        model.eval();
        return model;
    }

    @Test
    void integratedGradientsAt64StepsSumToTheChangeInProbability() {
        for (long seed = 1; seed <= 3; seed++) {
            Explainer explainer = new Explainer(model(seed), 0, Explainer.DEFAULT_MAX_PASS_TOKENS);
            for (int target = 0; target < 2; target++) {
                Explanation e = explainer.explain(TEXT, Method.INTEGRATED_GRADIENTS, target, 64);
                Explanation.Completeness c = e.completeness();
                assertThat(c.baseline()).isEqualTo("pad");
                assertThat(Math.abs(c.input() - c.reference())).as("f(x) - f(baseline), seed %d", seed).isGreaterThan(1e-4);
                assertThat(c.relativeGap()).as("relative completeness gap, seed %d target %d", seed, target).isLessThan(0.01);
                // the input's end of the path is the text itself
                assertThat(c.input()).isCloseTo(e.probabilities()[target], within(1e-4));
            }
        }
    }

    @Test
    void integratedGradientsGiveSpecialTokensNothingAndWordsTheSumOfTheirPieces() {
        Explanation e = new Explainer(model(4), 0, Explainer.DEFAULT_MAX_PASS_TOKENS)
                .explain(TEXT, Method.INTEGRATED_GRADIENTS, -1, 16);
        assertThat(e.tokenAttributions()[0]).isZero();
        assertThat(e.tokenAttributions()[6]).isZero();
        assertThat(e.words()).extracting(Pieces.Word::word).containsExactly("ab", "cd-ef", "gh");
        float middle = e.tokenAttributions()[2] + e.tokenAttributions()[3] + e.tokenAttributions()[4];
        assertThat(e.wordAttributions()[1]).isCloseTo(middle, within(1e-6f));
        assertThat(e.target()).isEqualTo(Explainer.argmax(e.probabilities()));
        assertThat(e.graphNodes()).isPositive();
    }

    @Test
    void splittingTheStepsOverSeveralPassesChangesNothing() {
        SequenceClassifier model = model(5);
        Explanation one = new Explainer(model, 0, 10_000).explain(TEXT, Method.INTEGRATED_GRADIENTS, 1, 8);
        Explanation split = new Explainer(model, 0, 2 * TEXT.length()).explain(TEXT, Method.INTEGRATED_GRADIENTS, 1, 8);
        for (int i = 0; i < TEXT.length(); i++) {
            assertThat(split.tokenAttributions()[i]).isCloseTo(one.tokenAttributions()[i], within(1e-5f));
        }
    }

    @Test
    void gradientMethodsRunInEvalWithGradOnAndLeaveParametersAndModesAlone() {
        SequenceClassifier model = model(6);
        Explainer explainer = new Explainer(model, 0, Explainer.DEFAULT_MAX_PASS_TOKENS);
        try (GradMode.Scope noGrad = GradMode.noGrad()) {
            // a caller's noGrad() does not stop the gradient methods: they switch grad on for themselves
            Explanation e = explainer.explain(TEXT, Method.GRADIENT_X_INPUT, 1, 0);
            assertThat(e.tokenAttributions()).isNotEqualTo(new float[TEXT.length()]);
            assertThat(e.tokenAttributions()[0]).isZero();
            assertThat(GradMode.isGradEnabled()).isFalse();
        }
        assertThat(model.isTraining()).isFalse();
        model.parameters().forEach(p -> assertThat(p.grad()).isNull());
    }

    @Test
    void occlusionRecordsNoGraphAndIsTheDropInProbabilityWhenAWordIsDeleted() {
        Explainer explainer = new Explainer(model(7), 0, Explainer.DEFAULT_MAX_PASS_TOKENS);
        Explanation e = explainer.explain(TEXT, Method.OCCLUSION, 1, 0);
        assertThat(e.graphNodes()).isZero();
        boolean[] drop = new boolean[TEXT.length()];
        drop[5] = true; // "gh"
        int[][] without = TEXT.without(drop);
        assertThat(without[0]).containsExactly(1, 11, 23, 35, 47, 2);
        float expected = e.probabilities()[1] - explainer.probabilities(List.<int[][]>of(without))[0][1];
        assertThat(e.wordAttributions()[2]).isCloseTo(expected, within(1e-6f));
    }

    @Test
    void aModelInTrainingModeIsRefused() {
        SequenceClassifier model = model(8);
        model.train();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new Explainer(model, 0, 4096).explain(TEXT, Method.OCCLUSION, -1, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("eval()");
    }
}
