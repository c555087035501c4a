package dev.polarity.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.cli.CliRun;
import dev.polarity.engine.autograd.Backward;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.io.DType;
import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import dev.polarity.model.BertConfig;
import dev.polarity.model.ModelFiles;
import dev.polarity.model.SequenceClassifier;
import dev.polarity.model.TestAssets;
import dev.polarity.model.TextEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillTest {
    private static final List<String> LABELS = List.of("negative", "positive");
    private static final Tensor LOGITS = Tensor.fromArray(new float[] {0.5f, -1f, 2f, 0f, -0.3f, 0.8f}, 3, 2);
    private static final int[] TARGETS = {0, 1, 1};

    @Test
    void withWeightZeroTheLossIsTheCrossEntropy() {
        Tensor teacher = Tensor.fromArray(new float[] {0.1f, 0.9f, 0.8f, 0.2f, 0.5f, 0.5f}, 3, 2);
        float plain = Functional.crossEntropy(LOGITS, TARGETS).item();
        assertThat(Teacher.distillLoss(LOGITS, TARGETS, teacher, 0f, 2f).item()).isCloseTo(plain, within(1e-6f));
    }

    @Test
    void aStudentThatAgreesWithItsTeacherGetsNoGradientFromTheSoftTerm() {
        float t = 2f;
        Tensor logits = LOGITS.detach().requiresGrad(true);
        Tensor agreeing = LOGITS.mul(1f / t).softmax(-1);
        Teacher.distillLoss(logits, TARGETS, agreeing, 1f, t).backward();
        for (float g : logits.grad().toArray()) {
            assertThat(g).isCloseTo(0f, within(1e-6f));
        }
        Tensor disagreeing = LOGITS.mul(-1f / t).softmax(-1);
        Tensor again = LOGITS.detach().requiresGrad(true);
        Teacher.distillLoss(again, TARGETS, disagreeing, 1f, t).backward();
        assertThat(again.grad().toArray()[0]).isGreaterThan(0.01f); // pushed towards the teacher's other label
    }

    @Test
    void theTeacherRunsWithoutAGraphInsideATrainingStep(@TempDir Path dir) throws Exception {
        BertConfig tiny = new BertConfig("bert", 30522, 8, 1, 2, 16, "gelu", 32, 2, 1e-12, 0.1, 0.1, 0, LABELS);
        SequenceClassifier model = new SequenceClassifier(tiny, LABELS, new Random(1));
        Path tokenizer = TestAssets.baseModelDir().resolve(ModelFiles.TOKENIZER);
        ModelFiles.saveClassifier(model, tokenizer, dir, DType.F32, Map.of());
        List<Example> train = List.of(new Example(1, "a fine , funny film ."), new Example(0, "it does n't work ."));
        try (Teacher teacher = Teacher.load(dir, 32, train, LABELS);
             GradMode.Scope gradOn = GradMode.enableGrad()) {
            Tensor probs = teacher.probabilities(List.of(teacher.encoded(0, false), teacher.encoded(1, true)), 2f);
            assertThat(probs.requiresGrad()).isFalse();
            assertThat(Backward.sizeOf(probs).nodes()).isZero();
            float[] p = probs.toArray();
            assertThat(p[0] + p[1]).isCloseTo(1f, within(1e-6f));
            assertThat(p[2] + p[3]).isCloseTo(1f, within(1e-6f));
            assertThat(GradMode.isGradEnabled()).isTrue(); // the teacher's noGrad() scope ended with it
        }
    }

    @Test
    void aTeacherWithOtherLabelsIsRefused(@TempDir Path dir) throws Exception {
        List<String> other = List.of("bad", "good");
        BertConfig tiny = new BertConfig("bert", 30522, 8, 1, 2, 16, "gelu", 32, 2, 1e-12, 0.1, 0.1, 0, other);
        ModelFiles.saveClassifier(new SequenceClassifier(tiny, other, new Random(1)),
                TestAssets.baseModelDir().resolve(ModelFiles.TOKENIZER), dir, DType.F32, Map.of());
        assertThatThrownBy(() -> Teacher.load(dir, 32, List.of(new Example(1, "fine")), LABELS))
                .hasMessageContaining("labels");
    }

    @Test
    void badDistillSettingsAreRejectedInOneLine() {
        CliRun.assertUsageError("distill", "train", "--train", "t", "--dev", "d", "--distill", "1.5");
        CliRun.assertUsageError("temperature", "train", "--train", "t", "--dev", "d", "--temperature", "0");
        CliRun.assertUsageError("do not combine", "train", "--train", "t", "--dev", "d", "--teacher", "x", "--rdrop", "1");
    }
}
