package dev.polarity.engine.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Values and train/eval behaviour of the layers. */
class LayersTest {

    @Test
    void dropoutIsInvertedInTrainMode() {
        Dropout d = new Dropout(0.3f, new Random(42));
        int n = 200_000;
        float[] y = d.forward(Tensor.ones(n)).toArray();
        int zeros = 0;
        double sum = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertThat(v).isEqualTo(1f / 0.7f);
            }
            sum += v;
        }
        // Binomial(200000, 0.3): standard deviation of the fraction is about 0.001.
        assertThat((double) zeros / n).isCloseTo(0.3, within(0.005));
        assertThat(sum / n).as("the expectation is preserved").isCloseTo(1.0, within(0.01));
        float[] again = new Dropout(0.3f, new Random(42)).forward(Tensor.ones(n)).toArray();
        assertThat(again).as("seeded masks repeat").containsExactly(y);
    }

    @Test
    void dropoutIsTheIdentityInEvalModeAndWithZeroProbability() {
        Dropout d = new Dropout(0.5f, new Random(1));
        d.eval();
        Tensor x = Tensor.randn(2, 3, 4).requiresGrad(true);
        Tensor y = d.forward(x);
        assertThat(y.toArray()).containsExactly(x.toArray());
        y.sum().backward();
        assertThat(x.grad().toArray()).containsOnly(1f);
        Dropout none = new Dropout(0f, new Random(1));
        assertThat(none.forward(x).toArray()).containsExactly(x.toArray());
        assertThatThrownBy(() -> new Dropout(1f, new Random(1))).hasMessageContaining("Dropout").hasMessageContaining("[0, 1)");
    }

    @Test
    void batchNormTrainModeUsesBatchStatisticsAndUpdatesRunningStatsUnbiased() {
        BatchNorm1d bn = new BatchNorm1d(2, 1e-5f, 0.1f);
        Tensor x = Tensor.fromArray(new float[] {1, 10, 2, 20, 3, 30, 6, 40}, 4, 2);
        float[] y = bn.forward(x).toArray();
        double[][] cols = {{1, 2, 3, 6}, {10, 20, 30, 40}};
        double[] expectMean = new double[2];
        double[] expectVar = new double[2];
        for (int c = 0; c < 2; c++) {
            double mean = (cols[c][0] + cols[c][1] + cols[c][2] + cols[c][3]) / 4;
            double ss = 0;
            for (double v : cols[c]) {
                ss += (v - mean) * (v - mean);
            }
            for (int r = 0; r < 4; r++) {
                double expected = (cols[c][r] - mean) / Math.sqrt(ss / 4 + 1e-5); // biased variance normalises
                assertThat(y[r * 2 + c]).as("row %d col %d", r, c).isCloseTo((float) expected, within(1e-5f));
            }
            expectMean[c] = 0.1 * mean;
            expectVar[c] = 0.9 * 1 + 0.1 * ss / 3; // unbiased variance goes into the running estimate
        }
        assertThat(bn.runningMean().get(0)).isCloseTo((float) expectMean[0], within(1e-5f));
        assertThat(bn.runningMean().get(1)).isCloseTo((float) expectMean[1], within(1e-5f));
        assertThat(bn.runningVar().get(0)).isCloseTo((float) expectVar[0], within(1e-4f));
        assertThat(bn.runningVar().get(1)).isCloseTo((float) expectVar[1], within(1e-3f));

        GradMode.noGrad(() -> bn.forward(x)); // train mode under noGrad still updates: grad mode is not the switch
        assertThat(bn.runningMean().get(0)).isCloseTo((float) (0.9 * expectMean[0] + 0.1 * 3), within(1e-5f));
    }

    @Test
    void batchNormEvalModeUsesRunningStatsAndUpdatesNothing() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.runningMean().copy_(Tensor.fromArray(new float[] {1, -2}, 2));
        bn.runningVar().copy_(Tensor.fromArray(new float[] {4, 0.25f}, 2));
        bn.namedParameters().get("weight").detach().copy_(Tensor.fromArray(new float[] {2, 1}, 2));
        bn.namedParameters().get("bias").detach().copy_(Tensor.fromArray(new float[] {0, 0.5f}, 2));
        bn.eval();
        Tensor x = Tensor.fromArray(new float[] {3, -1}, 1, 2); // a batch of one is fine in eval
        float[] y = bn.forward(x).toArray();
        assertThat(y[0]).isCloseTo((float) ((3 - 1) / Math.sqrt(4 + 1e-5) * 2), within(1e-5f));
        assertThat(y[1]).isCloseTo((float) ((-1 + 2) / Math.sqrt(0.25 + 1e-5) + 0.5), within(1e-5f));
        assertThat(bn.runningMean().toArray()).containsExactly(1f, -2f);
        assertThat(bn.runningVar().toArray()).containsExactly(4f, 0.25f);
        int version = bn.runningMean().version();
        bn.forward(Tensor.randn(3, 5, 2));
        assertThat(bn.runningMean().version()).isEqualTo(version);
    }

    @Test
    void linearComputesXWTransposePlusBias() {
        Linear lin = new Linear(3, 2, new Random(1));
        lin.weight().detach().copy_(Tensor.fromArray(new float[] {1, 2, 3, -1, 0, 1}, 2, 3));
        lin.bias().detach().copy_(Tensor.fromArray(new float[] {0.5f, -0.5f}, 2));
        Tensor x = Tensor.fromArray(new float[] {1, 1, 1, 2, 0, -1}, 2, 3);
        assertThat(lin.forward(x).toArray()).containsExactly(6.5f, -0.5f, -0.5f, -3.5f);
        assertThat(lin.forward(x.reshape(1, 2, 3)).shape().toArray()).containsExactly(1, 2, 2);
        float bound = (float) (1 / Math.sqrt(3));
        for (float v : new Linear(3, 50, new Random(2)).weight().toArray()) {
            assertThat(v).isBetween(-bound, bound);
        }
    }

    @Test
    void embeddingLayerNormGeluAndSequentialCompose() {
        Embedding emb = new Embedding(5, 4, new Random(3));
        Tensor rows = emb.forward(new int[] {4, 0, 4}, 3);
        assertThat(rows.shape().toArray()).containsExactly(3, 4);
        assertThat(rows.select(0, 0).toArray()).containsExactly(emb.weight().select(0, 4).toArray());
        assertThat(rows.select(0, 2).toArray()).containsExactly(rows.select(0, 0).toArray());

        LayerNorm ln = new LayerNorm(4, 1e-5f);
        Tensor normed = ln.forward(Tensor.fromArray(new float[] {1, 2, 3, 4}, 1, 4));
        assertThat(normed.mean().item()).isCloseTo(0f, within(1e-6f));
        assertThat(normed.mul(normed).mean().item()).isCloseTo(1f, within(1e-4f));

        assertThat(new GELU().forward(Tensor.fromArray(new float[] {1}, 1)).item()).isCloseTo(0.8413447f, within(1e-7f));
        assertThat(new ReLU().forward(Tensor.fromArray(new float[] {-1, 2}, 2)).toArray()).containsExactly(0f, 2f);
        Sequential seq = new Sequential(new ReLU(), new GELU());
        assertThat(seq.forward(Tensor.fromArray(new float[] {-1, 1}, 2)).toArray()).containsExactly(0f, 0.8413447f);
    }
}
