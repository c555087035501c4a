package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.autograd.Autograd;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The classifier run from word embeddings: what gradient explanations differentiate, in eval() with grad on. */
class WordEmbeddingInputTest {
    private static final BertConfig SMALL = new BertConfig("bert", 100, 32, 2, 4, 64, "gelu", 64, 2, 1e-12, 0.1, 0.1, 0, List.of());
    private static final Batch BATCH = new Batch(2, 4, new int[] {1, 5, 9, 2, 1, 7, 2, 0}, new int[8], new int[] {1, 1, 1, 1, 1, 1, 1, 0});

    @Test
    void fromTheLookedUpEmbeddingsItGivesTheLogitsOfTheIds() {
        SequenceClassifier model = new SequenceClassifier(SMALL, List.of("negative", "positive"), new Random(1));
        model.eval();
        float[] byIds = GradMode.enableGrad(() -> model.forward(BATCH)).toArray();
        float[] byWords = model.forwardFromWordEmbeddings(model.encoder().wordEmbeddings(BATCH), BATCH).toArray();
        for (int i = 0; i < byIds.length; i++) {
            assertThat(byWords[i]).isCloseTo(byIds[i], within(1e-5f));
        }
    }

    @Test
    void inEvalWithGradOnTheGradientReachesTheEmbeddingsAndTouchesNoParameter() {
        SequenceClassifier model = new SequenceClassifier(SMALL, List.of("negative", "positive"), new Random(1));
        model.eval();
        Tensor words = model.encoder().wordEmbeddings(BATCH).detach().requiresGrad(true);
        Tensor logit = model.forwardFromWordEmbeddings(words, BATCH).select(1, 1).sum();
        Tensor g = Autograd.grad(logit, words);
        assertThat(g.shape()).isEqualTo(words.shape());
        assertThat(g.toArray()).isNotEqualTo(new float[g.numel()]);
        // a padded position cannot change a logit
        for (int h = 0; h < 32; h++) {
            assertThat(g.get(1, 3, h)).isZero();
        }
        model.parameters().forEach(p -> assertThat(p.grad()).isNull());
    }
}
