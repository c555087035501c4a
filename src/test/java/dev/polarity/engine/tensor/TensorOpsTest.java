package dev.polarity.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.kernels.MathFns;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Forward values of the tensor ops, checked against hand computations. */
class TensorOpsTest {

    private static Tensor t(float[] v, int... shape) {
        return Tensor.fromArray(v, shape);
    }

    @Test
    void creationAndShapePrinting() {
        assertThat(Shape.of(2, 3)).hasToString("[2, 3]");
        assertThat(Shape.of()).hasToString("[]");
        assertThat(Tensor.zeros(2, 3).shape()).hasToString("[2, 3]").isEqualTo(Shape.of(2, 3));
        assertThat(Tensor.zeros(2, 3).toString()).contains("[2, 3]");
        assertThat(Tensor.arange(4).toArray()).containsExactly(0f, 1f, 2f, 3f);
        assertThat(Tensor.full(2.5f, 2, 2).toArray()).containsOnly(2.5f).hasSize(4);
        assertThat(Tensor.ones(3).toArray()).containsExactly(1f, 1f, 1f);
        assertThat(Tensor.scalar(4f).item()).isEqualTo(4f);
        assertThat(Tensor.scalar(4f).dim()).isZero();
        assertThat(Tensor.randn(7, 5).toArray()).containsExactly(Tensor.randn(7, 5).toArray());
        assertThat(Tensor.rand(7, 5).toArray()).containsExactly(Tensor.rand(7, 5).toArray());
        assertThat(Tensor.rand(8, 1000).max(0, false).item()).isLessThan(1f);
        assertThat(Tensor.rand(8, 1000).neg().max(0, false).item()).isLessThanOrEqualTo(0f);
        float[] src = {1, 2};
        Tensor copy = Tensor.fromArray(src, 2);
        src[0] = 9;
        assertThat(copy.get(0)).as("fromArray copies its input").isEqualTo(1f);
    }

    @Test
    void broadcastingElementwiseOps() {
        Tensor a = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(a.add(t(new float[] {10, 20, 30}, 3)).toArray()).containsExactly(11, 22, 33, 14, 25, 36);
        Tensor col = t(new float[] {1, 2}, 2, 1);
        Tensor row = t(new float[] {10, 20, 30}, 1, 3);
        Tensor outer = col.mul(row);
        assertThat(outer.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(outer.toArray()).containsExactly(10, 20, 30, 20, 40, 60);
        assertThat(row.sub(col).toArray()).containsExactly(9, 19, 29, 8, 18, 28);
        assertThat(a.div(Tensor.scalar(2f)).toArray()).containsExactly(0.5f, 1, 1.5f, 2, 2.5f, 3);
        assertThat(a.sub(1f).neg().toArray()).containsExactly(-0f, -1, -2, -3, -4, -5); // -(0) is -0, as IEEE and PyTorch say
        assertThat(a.t().add(a.t()).toArray()).containsExactly(2, 8, 4, 10, 6, 12);
        assertThat(t(new float[] {4, 9}, 2).pow(0.5f).toArray()).containsExactly(2f, 3f);
        assertThat(t(new float[] {-1, 2}, 2).relu().toArray()).containsExactly(0f, 2f);
        assertThat(t(new float[] {0}, 1).sigmoid().item()).isEqualTo(0.5f);
        assertThat(t(new float[] {1}, 1).exp().log().item()).isCloseTo(1f, within(1e-6f));
        assertThat(t(new float[] {0.5f}, 1).tanh().item()).isCloseTo((float) Math.tanh(0.5), within(1e-7f));
    }

    @Test
    void viewsShareStorageAndCopiesDoNot() {
        Tensor a = Tensor.arange(6).reshape(2, 3);
        Tensor tr = a.t();
        assertThat(tr.storage()).isSameAs(a.storage());
        assertThat(tr.isContiguous()).isFalse();
        assertThat(tr.get(2, 1)).isEqualTo(a.get(1, 2));
        a.narrow(1, 1, 1).fill_(9f);
        assertThat(a.toArray()).containsExactly(0, 9, 2, 3, 9, 5);
        assertThat(tr.toArray()).containsExactly(0, 3, 9, 9, 2, 5);
        assertThat(a.view(3, 2).storage()).isSameAs(a.storage());
        assertThat(a.select(0, 1).toArray()).containsExactly(3, 9, 5);
        assertThat(a.unsqueeze(0).shape()).isEqualTo(Shape.of(1, 2, 3));
        assertThat(a.unsqueeze(-1).squeeze(2).shape()).isEqualTo(Shape.of(2, 3));
        Tensor c = tr.contiguous();
        assertThat(c.storage()).isNotSameAs(a.storage());
        assertThat(c.toArray()).containsExactly(tr.toArray());
        assertThat(tr.reshape(6).toArray()).containsExactly(0, 3, 9, 9, 2, 5);
        Tensor col = t(new float[] {1, 2}, 2, 1);
        Tensor e = col.expand(2, 3);
        assertThat(e.storage()).isSameAs(col.storage());
        assertThat(e.toArray()).containsExactly(1, 1, 1, 2, 2, 2);
        Tensor p = Tensor.arange(24).reshape(2, 3, 4).permute(2, 0, 1);
        assertThat(p.shape()).isEqualTo(Shape.of(4, 2, 3));
        assertThat(p.get(3, 1, 2)).isEqualTo(1 * 12 + 2 * 4 + 3);
        assertThat(Tensor.arange(5).slice(0, 1, 4).toArray()).containsExactly(1, 2, 3);
    }

    @Test
    void concatAlongEachDimension() {
        Tensor a = t(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = t(new float[] {5, 6}, 1, 2);
        assertThat(Tensor.concat(0, a, b).toArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(Tensor.concat(1, a, b.t()).toArray()).containsExactly(1, 2, 5, 3, 4, 6);
        assertThat(Tensor.concat(-1, a, a).shape()).isEqualTo(Shape.of(2, 4));
    }

    @Test
    void reductions() {
        Tensor a = t(new float[] {1, 5, 3, 4, 2, 6}, 2, 3);
        assertThat(a.sum().item()).isEqualTo(21f);
        assertThat(a.mean().item()).isEqualTo(3.5f);
        assertThat(a.sum(0, false).toArray()).containsExactly(5, 7, 9);
        assertThat(a.sum(1, true).shape()).isEqualTo(Shape.of(2, 1));
        assertThat(a.sum(1, true).toArray()).containsExactly(9, 12);
        assertThat(a.mean(-1, false).toArray()).containsExactly(3, 4);
        assertThat(a.max(1, false).toArray()).containsExactly(5, 6);
        assertThat(a.max(0, true).toArray()).containsExactly(4, 5, 6);
        assertThat(a.argmax(1, false).toArray()).containsExactly(1, 2);
        assertThat(t(new float[] {2, 7, 7}, 3).argmax(0, false).item()).as("first of equal maxima").isEqualTo(1f);
        assertThat(a.sumTo(Shape.of(3)).toArray()).containsExactly(5, 7, 9);
        assertThat(a.sumTo(Shape.of(2, 1)).toArray()).containsExactly(9, 12);
    }

    @Test
    void softmaxIsNumericallyStableWithLargeInputs() {
        Tensor big = t(new float[] {1000, 1001, 1002, -1000, -1001, -1002}, 2, 3);
        float[] s = big.softmax(-1).toArray();
        double z = 1 + Math.E + Math.E * Math.E;
        assertThat(s[0]).isCloseTo((float) (1 / z), within(1e-6f));
        assertThat(s[2]).isCloseTo((float) (Math.E * Math.E / z), within(1e-6f));
        assertThat(s[3]).isCloseTo((float) (Math.E * Math.E / z), within(1e-6f));
        assertThat(s).doesNotContain(Float.NaN);
        float[] ls = big.logSoftmax(1).toArray();
        double lse = Math.log(z);
        assertThat(ls[0]).isCloseTo((float) -lse, within(1e-4f));
        assertThat(ls[2]).isCloseTo((float) (2 - lse), within(1e-4f));
        assertThat(ls[3]).isCloseTo((float) (2 - lse), within(1e-4f));
        assertThat(ls[5]).isCloseTo((float) -lse, within(1e-4f));
        Tensor cols = t(new float[] {0, 0, 1000, Float.NEGATIVE_INFINITY}, 2, 2).softmax(0);
        assertThat(cols.toArray()).containsExactly(0f, 1f, 1f, 0f);
        Tensor rows = Tensor.randn(3, 4, 5).softmax(-1).sum(-1, false);
        assertThat(rows.toArray()).usingComparatorWithPrecision(1e-6f).containsOnly(1f);
    }

    @Test
    void layerNormMatchesHandComputation() {
        Tensor x = t(new float[] {1, 2, 3, 4, -2, 0, 2, 8}, 2, 4);
        Tensor w = t(new float[] {1, 2, 0.5f, -1}, 4);
        Tensor b = t(new float[] {0, 1, 0, 3}, 4);
        float[] y = x.layerNorm(w, b, 1e-5f).toArray();
        float[] xs = x.toArray();
        for (int r = 0; r < 2; r++) {
            double mean = 0;
            double var = 0;
            for (int i = 0; i < 4; i++) {
                mean += xs[r * 4 + i] / 4.0;
            }
            for (int i = 0; i < 4; i++) {
                var += Math.pow(xs[r * 4 + i] - mean, 2) / 4.0;
            }
            for (int i = 0; i < 4; i++) {
                double expected = (xs[r * 4 + i] - mean) / Math.sqrt(var + 1e-5) * w.get(i) + b.get(i);
                assertThat(y[r * 4 + i]).as("row %d col %d", r, i).isCloseTo((float) expected, within(1e-5f));
            }
        }
        assertThat(x.layerNorm(null, null, 1e-5f).get(0, 0)).isCloseTo((float) (-1.5 / Math.sqrt(1.25 + 1e-5)), within(1e-6f));
    }

    @Test
    void geluAndErfMatchReferenceValues() {
        assertThat(t(new float[] {1}, 1).gelu().item()).isCloseTo(0.8413447f, within(1e-7f));
        assertThat(MathFns.gelu(-1f)).isCloseTo(-0.15865525f, within(1e-7f));
        assertThat(MathFns.gelu(2f)).isCloseTo(1.9544997f, within(2e-7f));
        assertThat(MathFns.gelu(-3f)).isCloseTo(-0.0040496941f, within(1e-8f));
        assertThat(MathFns.gelu(0f)).isZero();
        assertThat(MathFns.geluGrad(0f)).isCloseTo(0.5f, within(1e-7f));
        assertThat(MathFns.geluGrad(1f)).isCloseTo(1.0833155f, within(1e-6f));
        assertThat(MathFns.erf(1.0)).isCloseTo(0.8427007929497149, within(2e-7));
        assertThat(MathFns.erf(-0.5)).isCloseTo(-0.5204998778130465, within(2e-7));
        double worst = 0;
        for (int i = -400; i <= 400; i++) {
            double x = i / 100.0;
            worst = Math.max(worst, Math.abs(MathFns.erf(x) - erfSeries(x)));
        }
        assertThat(worst).as("max |erf - series| on [-4, 4]").isLessThan(2e-7);
    }

    /** Maclaurin series of erf, exact to ~1e-13 on [-4, 4] in double. */
    private static double erfSeries(double x) {
        double sum = 0;
        double term = x; // (-1)^n x^(2n+1) / n!
        for (int n = 0; n < 120; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void matmulMatchesANaiveProductOnEveryKernelPath() {
        Tensor a = t(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = t(new float[] {5, 6, 7, 8}, 2, 2);
        assertThat(a.matmul(b).toArray()).containsExactly(19, 22, 43, 50);
        assertThat(a.matmul(b.t()).toArray()).containsExactly(17, 23, 39, 53);
        int[][] sizes = {{7, 5, 3}, {130, 140, 70}, {2, 1000, 600}, {33, 17, 1}};
        Random rng = new Random(4);
        for (int[] s : sizes) {
            Tensor x = Tensor.randn(rng, s[0], s[2]);
            Tensor w = Tensor.randn(rng, s[1], s[2]);
            assertClose(x.matmul(w.t()), naive(x, w.t()), "x w^T " + java.util.Arrays.toString(s));
            assertClose(x.matmul(w.t().contiguous()), naive(x, w.t()), "x w " + java.util.Arrays.toString(s));
        }
        Tensor batch = Tensor.randn(rng, 3, 4, 5);
        Tensor shared = Tensor.randn(rng, 5, 2);
        Tensor out = batch.matmul(shared);
        Tensor perBatch = Tensor.randn(rng, 3, 5, 2);
        Tensor bmm = batch.matmul(perBatch);
        for (int i = 0; i < 3; i++) {
            assertClose(out.select(0, i), naive(batch.select(0, i), shared), "3d x 2d batch " + i);
            assertClose(bmm.select(0, i), naive(batch.select(0, i), perBatch.select(0, i)), "bmm batch " + i);
        }
        Tensor bcast = Tensor.randn(rng, 2, 1, 4, 5).matmul(perBatch);
        assertThat(bcast.shape()).isEqualTo(Shape.of(2, 3, 4, 2));
    }

    private static Tensor naive(Tensor a, Tensor b) {
        int m = a.size(0);
        int k = a.size(1);
        int n = b.size(1);
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a.get(i, p) * b.get(p, j);
                }
                c[i * n + j] = (float) s;
            }
        }
        return Tensor.fromArray(c, m, n);
    }

    private static void assertClose(Tensor actual, Tensor expected, String what) {
        assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
        float[] x = actual.toArray();
        float[] y = expected.toArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).as("%s element %d", what, i).isCloseTo(y[i], within(1e-4f * (1 + Math.abs(y[i]))));
        }
    }

    @Test
    void nnFunctionsComputeTheirDefinitions() {
        Tensor logits = t(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
        double ce0 = Math.log(Math.E + Math.exp(2) + Math.exp(3)) - 3;
        double ce1 = Math.log(3);
        assertThat(Functional.crossEntropy(logits, new int[] {2, 0}).item()).isCloseTo((float) ((ce0 + ce1) / 2), within(1e-6f));
        Tensor weight = Tensor.arange(6).reshape(3, 2);
        assertThat(Functional.embedding(weight, new int[] {2, 0, 2}, 3).toArray()).containsExactly(4, 5, 0, 1, 4, 5);
        Tensor keep = t(new float[] {1, 0}, 2);
        assertThat(Functional.additiveMask(keep).toArray()).containsExactly(0f, -1e9f);
        assertThat(Tensor.arange(4).reshape(2, 2).maskedFill(keep, -5f).toArray()).containsExactly(-5, 1, -5, 3);
        assertThat(Functional.dropout(Tensor.ones(4), 0.5f, false, new Random(1)).toArray()).containsOnly(1f);
    }

    @Test
    void symmetricKlIsTheMeanOfBothDivergencesAndZeroForEqualInputs() {
        Tensor p = t(new float[] {0, 1, 2, 2}, 2, 2);
        Tensor q = t(new float[] {1, 0, 2, 2}, 2, 2);
        double a = 1 / (1 + Math.E); // softmax(0, 1) = (a, 1 - a); softmax(1, 0) = (1 - a, a)
        double klRow0 = a * Math.log(a / (1 - a)) + (1 - a) * Math.log((1 - a) / a); // the same both ways
        assertThat(Functional.symmetricKl(p, q).item()).isCloseTo((float) (klRow0 / 2), within(1e-6f));
        assertThat(Functional.symmetricKl(q, q).item()).isZero();
        assertThatThrownBy(() -> Functional.symmetricKl(p, t(new float[] {1, 2}, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one shape");
    }

    @Test
    void softCrossEntropyIsTheCrossEntropyForOneHotTargetsAndTheEntropyForItsOwnPrediction() {
        Tensor logits = t(new float[] {0, 1, 2, -1}, 2, 2);
        int[] labels = {1, 0};
        Tensor oneHot = t(new float[] {0, 1, 1, 0}, 2, 2);
        assertThat(Functional.softCrossEntropy(logits, oneHot).item())
                .isCloseTo(Functional.crossEntropy(logits, labels).item(), within(1e-6f));
        double a = 1 / (1 + Math.E); // softmax(0, 1) = (a, 1 - a)
        double b = 1 / (1 + Math.exp(3)); // softmax(2, -1) = (1 - b, b)
        double entropies = -(a * Math.log(a) + (1 - a) * Math.log(1 - a)) - (b * Math.log(b) + (1 - b) * Math.log(1 - b));
        assertThat(Functional.softCrossEntropy(logits, logits.softmax(1)).item()).isCloseTo((float) (entropies / 2), within(1e-6f));
        assertThatThrownBy(() -> Functional.softCrossEntropy(logits, t(new float[] {1, 0}, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one shape");
    }

    /** Same-shape operands large enough to be split over the pool, one of them not starting its storage. */
    @Test
    void largeSameShapeBinaryOpsAreElementWiseExactly() {
        int n = 100_003;
        Tensor a = Tensor.randn(new Random(3), 2, n).narrow(0, 1, 1).reshape(n);
        Tensor b = Tensor.randn(new Random(4), n).add(Tensor.full(3f, n));
        float[] x = a.toArray();
        float[] y = b.toArray();
        float[][] got = {a.add(b).toArray(), a.sub(b).toArray(), a.mul(b).toArray(), a.div(b).toArray()};
        for (int i = 0; i < n; i++) {
            assertThat(got[0][i]).isEqualTo(x[i] + y[i]);
            assertThat(got[1][i]).isEqualTo(x[i] - y[i]);
            assertThat(got[2][i]).isEqualTo(x[i] * y[i]);
            assertThat(got[3][i]).isEqualTo(x[i] / y[i]);
        }
    }

    /** Views large enough for their copies to be split over the pool: every element lands where it belongs. */
    @Test
    void largeStridedCopiesKeepLogicalOrder() {
        int rows = 300, cols = 500;
        Tensor m = Tensor.randn(new Random(5), rows, cols);
        float[] src = m.toArray();
        for (int i = 0; i < rows; i += 7) {
            assertThat(src[i * cols + (i * 13) % cols]).isEqualTo(m.get(i, (i * 13) % cols)); // element by element
        }
        float[] t = m.t().contiguous().toArray();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertThat(t[j * rows + i]).isEqualTo(src[i * cols + j]);
            }
        }
        // Rows that are evenly spaced but not adjacent: a column slice, three dimensions deep.
        Tensor cube = Tensor.randn(new Random(6), 40, 50, 90);
        float[] c = cube.toArray();
        float[] slice = cube.narrow(2, 30, 45).contiguous().toArray();
        for (int i = 0; i < 40 * 50; i++) {
            for (int j = 0; j < 45; j++) {
                assertThat(slice[i * 45 + j]).isEqualTo(c[i * 90 + 30 + j]);
            }
        }
    }
}
