package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.autograd.Backward;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.autograd.GraphStats;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The serving promise on the real architecture: eval() + noGrad() builds nothing; grad on does. */
class EncoderGraphTest {
    @Test
    void evalNoGradForwardCreatesZeroNodesAndGradOnCreatesSome() throws Exception {
        BertConfig small = new BertConfig("bert", 100, 32, 2, 4, 64, "gelu", 64, 2, 1e-12, 0.1, 0.1, 0, List.of());
        SequenceClassifier model = new SequenceClassifier(small, List.of("negative", "positive"), new Random(3));
        Batch b = new Batch(2, 4, new int[] {1, 5, 7, 2, 1, 9, 2, 0}, new int[8], new int[] {1, 1, 1, 1, 1, 1, 1, 0});
        model.eval();
        long before = GraphStats.threadNodes();
        Tensor logits;
        try (var scope = GradMode.noGrad()) {
            logits = model.forward(b);
        }
        assertThat(GraphStats.threadNodes() - before).isZero();
        assertThat(logits.requiresGrad()).isFalse();
        assertThat(Backward.sizeOf(logits)).isEqualTo(new Backward.GraphSize(0, 0));
        assertThat(model.isTraining()).isFalse();

        Tensor withGrad = model.forward(b); // eval() still, grad on: the explanation case
        assertThat(GraphStats.threadNodes() - before).isGreaterThan(0);
        assertThat(Backward.sizeOf(withGrad).savedBytes()).isGreaterThan(0);
    }

    @Test
    void paddingDoesNotChangeAnyRealPosition() throws Exception {
        BertConfig small = new BertConfig("bert", 100, 32, 2, 4, 64, "gelu", 64, 2, 1e-12, 0.1, 0.1, 0, List.of());
        BertEncoder enc = new BertEncoder(small, new Random(5));
        enc.eval();
        Batch alone = new Batch(1, 3, new int[] {1, 5, 2}, new int[3], new int[] {1, 1, 1});
        Batch padded = new Batch(1, 6, new int[] {1, 5, 2, 0, 0, 0}, new int[6], new int[] {1, 1, 1, 0, 0, 0});
        float[] a = GradMode.noGrad(() -> enc.forward(alone)).toArray();
        float[] p = GradMode.noGrad(() -> enc.forward(padded)).toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(p[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }
}
