package dev.polarity.engine.autograd.conformance;

import static dev.polarity.engine.autograd.conformance.Close.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.autograd.Autograd;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.nn.BatchNorm1d;
import dev.polarity.engine.nn.Dropout;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * train()/eval() against grad mode, as torch.nn behaves (test_nn.py's batch-norm and dropout
 * cases): the module flag picks the formula, grad mode only whether a graph is recorded.
 */
class ModulesConformanceTest {
    private static final Tensor X = Tensor.fromArray(new float[] {1, 2, 3, 5, 7, 11}, 3, 2);

    @Test
    void batchNormInTrainModeUnderNoGradStillUpdatesItsRunningStatistics() {
        BatchNorm1d bn = new BatchNorm1d(2);
        Tensor out = GradMode.noGrad(() -> bn.forward(X));
        assertThat(out.requiresGrad()).isFalse();
        // momentum 0.1: 0.9 * 0 + 0.1 * batch mean (11/3, 6)
        assertThat(bn.runningMean().toArray()).containsExactly(11f / 30, 0.6f);
        assertThat(out.mean(0, false).toArray()[0]).isCloseTo(0f, org.assertj.core.api.Assertions.within(1e-6f));
    }

    @Test
    void batchNormInEvalModeWithGradOnUsesRunningStatisticsAndRecords() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.eval();
        Tensor in = X.detach().requiresGrad(true);
        Tensor out = bn.forward(in);
        assertThat(out.gradFn()).isNotNull();
        assertThat(bn.runningMean().toArray()).containsExactly(0f, 0f);
        Tensor g = Autograd.grad(out.sum(), in);
        assertClose(g, Tensor.full((float) (1 / Math.sqrt(1 + 1e-5)), 3, 2)); // weight / sqrt(running var + eps)
    }

    @Test
    void dropoutInEvalModeWithGradOnIsTheIdentityAndPassesTheGradient() {
        Dropout drop = new Dropout(0.5f, new Random(3));
        drop.eval();
        Tensor in = Tensor.randn(4, 10).requiresGrad(true);
        Tensor out = drop.forward(in);
        assertClose(out, in);
        assertClose(Autograd.grad(out.sum(), in), Tensor.ones(10));
    }

    @Test
    void dropoutInTrainModeUnderNoGradStillDropsAndRecordsNothing() {
        Dropout drop = new Dropout(0.5f, new Random(3));
        Tensor in = Tensor.ones(1000).requiresGrad(true);
        Tensor out = GradMode.noGrad(() -> drop.forward(in));
        assertThat(out.gradFn()).isNull();
        assertThat(out.toArray()).contains(0f, 2f).containsOnly(0f, 2f);
    }
}
