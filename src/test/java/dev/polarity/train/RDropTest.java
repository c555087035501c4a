package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.cli.CliRun;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.BertConfig;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TextEncoder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RDropTest {
    private static final BertConfig TINY = new BertConfig("bert", 10, 8, 2, 2, 16, "gelu", 8, 2, 1e-12, 0.3, 0.3, 0, List.of());
    private static final List<TextEncoder.Encoded> TEXTS = List.of(
            new TextEncoder.Encoded(new int[] {1, 4, 5, 2}, new int[4], false),
            new TextEncoder.Encoded(new int[] {1, 7, 2}, new int[3], false),
            new TextEncoder.Encoded(new int[] {1, 3, 3, 6, 2}, new int[5], false));
    private static final int[] LABELS = {0, 1, 1};

    @Test
    void withoutDropoutTheTwoCopiesAgreeAndTheLossIsTheCrossEntropy() {
        SequenceClassifier model = new SequenceClassifier(TINY, List.of("negative", "positive"), new Random(3));
        model.eval();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            float plain = Functional.crossEntropy(model.forward(TextEncoder.pad(TEXTS)), LABELS).item();
            assertThat(Losses.rdrop(model, TEXTS, LABELS, 1f).item()).isCloseTo(plain, within(1e-5f));
        }
    }

    @Test
    void withDropoutTheCopiesDisagreeAndTheDisagreementAddsToTheLoss() {
        Random masks = new Random(3); // the model draws its dropout masks from the generator it was built with
        SequenceClassifier model = new SequenceClassifier(TINY, List.of("negative", "positive"), masks);
        model.train();
        masks.setSeed(5);
        float crossEntropyOnly = Losses.rdrop(model, TEXTS, LABELS, 0f).item();
        masks.setSeed(5);
        float withPenalty = Losses.rdrop(model, TEXTS, LABELS, 10f).item();
        assertThat(withPenalty).isGreaterThan(crossEntropyOnly + 1e-6f);
    }

    @Test
    void theLossHasGradientsForTheHead() {
        SequenceClassifier model = new SequenceClassifier(TINY, List.of("negative", "positive"), new Random(3));
        model.train();
        Losses.rdrop(model, TEXTS, LABELS, 1f).backward();
        assertThat(model.namedParameters().get("classifier.weight").grad()).isNotNull();
    }

    @Test
    void negativeRdropIsRejectedInOneLine() {
        CliRun.assertUsageError("rdrop", "train", "--train", "t", "--dev", "d", "--rdrop", "-1");
    }
}
