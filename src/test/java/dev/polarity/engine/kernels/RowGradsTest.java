package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.polarity.engine.kernels.Rows.Activation;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backward and training-forward row kernels: the vector twin matches the scalar one on lengths
 * that are and are not multiples of the vector width, at offsets, touching nothing outside its rows
 * (NaN guards); the scalar one matches double-precision references. Finite-difference checks of the
 * ops built on them are in FusedGradientCheckTest.
 */
class RowGradsTest {
    private static final int[] SIZES = {1, 3, 7, 8, 9, 15, 16, 17, 33, 64, 65, 100, 384, 1537};

    static Stream<Arguments> shapes() {
        return IntStream.of(1, 2, 5).boxed().flatMap(rows -> Arrays.stream(SIZES).mapToObj(n -> Arguments.of(rows, n)));
    }

    static IntStream sizes() {
        return Arrays.stream(SIZES);
    }

    // ---- activation derivative ----

    @ParameterizedTest(name = "n = {0}")
    @MethodSource("sizes")
    void vectorActivationGradMatchesScalar(int n) {
        Rows vector = vectorRows();
        Random rnd = new Random(n);
        int off = 5;
        for (Activation act : Activation.values()) {
            float[] z = guarded(rnd, off + n + 3, off, n, 1, n, -7f, 7f);
            z[off] = 0f;
            if (n > 2) {
                z[off + 1] = 3e-7f; // inside the guard around 0
                z[off + 2] = -2e-6f; // just outside it
            }
            float[] y = z.clone();
            Rows.scalar().biasActivation(y, off, n, 1, n, null, 0, act);
            float[] g = guarded(rnd, off + n + 3, off, n, 1, n, -2f, 2f);
            float[] expected = g.clone();
            float[] actual = g.clone();
            Rows.scalar().activationGrad(expected, z, y, off, n, act);
            vector.activationGrad(actual, z, y, off, n, act);
            assertClose(actual, expected, 1e-6, 1e-5, act.toString());
        }
    }

    @Test
    void scalarGeluGradIsTheDerivative() {
        for (int k = -640; k <= 640; k++) {
            float z = k / 64f; // [-10, 10]
            float y = MathFns.gelu(z);
            float[] g = {1f};
            Rows.scalar().activationGrad(g, new float[] {z}, new float[] {y}, 0, 1, Activation.GELU);
            assertThat((double) g[0]).as("gelu'(%s)", z).isCloseTo(MathFns.geluGrad(z), within(2e-6));
        }
    }

    @Test
    void vectorGeluGradFarIntoBothTails() {
        Rows vector = vectorRows();
        int n = 1281;
        float[] z = new float[n];
        for (int k = 0; k < n; k++) {
            z[k] = (k - 640) / 16f; // [-40, 40]
        }
        float[] y = z.clone();
        Rows.scalar().biasActivation(y, 0, n, 1, n, null, 0, Activation.GELU);
        float[] g = new float[n];
        Arrays.fill(g, 1f);
        vector.activationGrad(g, z, y, 0, n, Activation.GELU);
        for (int k = 0; k < n; k++) {
            assertThat((double) g[k]).as("gelu'(%s)", z[k]).isCloseTo(MathFns.geluGrad(z[k]), within(2e-6));
        }
    }

    // ---- LayerNorm ----

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void vectorLayerNormTrainingMatchesScalarAndInference(int rows, int n) {
        Rows vector = vectorRows();
        Random rnd = new Random(rows * 7919L + n);
        int xOff = 3;
        int resOff = 6;
        int outOff = 2;
        float[] x = guarded(rnd, xOff + rows * n + 2, xOff, n, rows, n, -3f, 5f);
        float[] res = guarded(rnd, resOff + rows * n + 2, resOff, n, rows, n, -2f, 2f);
        float[] gamma = guarded(rnd, n + 3, 0, n, 1, n, 0.5f, 1.5f);
        float[] beta = guarded(rnd, n + 3, 0, n, 1, n, -0.5f, 0.5f);
        float[][] out = new float[2][];
        float[][] xhat = new float[2][];
        float[][] rstd = new float[2][];
        Rows[] kernels = {Rows.scalar(), vector};
        for (int k = 0; k < 2; k++) {
            out[k] = nans(outOff + rows * n + 2);
            xhat[k] = nans(outOff + rows * n + 2);
            rstd[k] = nans(1 + rows + 2);
            kernels[k].layerNormTraining(x, xOff, res, resOff, rows, n, gamma, beta, 1e-5f, out[k], xhat[k], outOff, rstd[k], 1);
        }
        assertClose(out[1], out[0], 1e-5, 1e-5, "y");
        assertClose(xhat[1], xhat[0], 1e-5, 1e-5, "xhat");
        assertClose(rstd[1], rstd[0], 0, 1e-5, "rstd");
        // The same output as the inference kernel.
        float[] inference = nans(outOff + rows * n + 2);
        Rows.scalar().layerNorm(x, xOff, null, res, resOff, rows, n, gamma, beta, 1e-5f, inference, outOff);
        assertClose(out[0], inference, 1e-5, 1e-5, "inference");
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void vectorLayerNormBackwardMatchesScalar(int rows, int n) {
        Rows vector = vectorRows();
        Random rnd = new Random(rows * 104729L + n);
        int off = 4;
        float[] x = new float[off + rows * n];
        float[] res = new float[off + rows * n];
        fill(x, rnd, -3f, 3f);
        float[] gamma = guarded(rnd, n + 3, 0, n, 1, n, 0.5f, 1.5f);
        float[] xhat = nans(off + rows * n + 3);
        float[] rstd = nans(2 + rows);
        Rows.scalar().layerNormTraining(x, off, res, off, rows, n, gamma, gamma, 1e-5f, nans(off + rows * n), xhat, off, rstd, 2);
        float[] g = guarded(rnd, off + rows * n + 3, off, n, rows, n, -1f, 1f);
        float[] accG = guarded(rnd, n + 2, 0, n, 1, n, -1f, 1f); // partial sums already under way
        float[] accB = guarded(rnd, n + 2, 0, n, 1, n, -1f, 1f);
        float[][] gx = {nans(g.length), nans(g.length)};
        float[][] gg = {accG.clone(), accG.clone()};
        float[][] gb = {accB.clone(), accB.clone()};
        Rows[] kernels = {Rows.scalar(), vector};
        for (int k = 0; k < 2; k++) {
            kernels[k].layerNormBackward(g, xhat, off, rstd, 2, rows, n, gamma, gx[k], gg[k], gb[k]);
        }
        assertClose(gx[1], gx[0], 1e-5, 1e-4, "gx");
        assertClose(gg[1], gg[0], 1e-5, 1e-5, "gamma");
        assertClose(gb[1], gb[0], 1e-5, 1e-5, "beta");
        // Shifting a row's input changes nothing: each row of the input gradient sums to 0.
        for (int i = 0; i < rows && n > 1; i++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += gx[0][off + i * n + j];
            }
            assertThat(sum).as("row %d", i).isCloseTo(0, within(1e-4 * n));
        }
    }

    // ---- softmax ----

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void vectorSoftmaxBackwardMatchesScalarAndDouble(int rows, int n) {
        Rows vector = vectorRows();
        Random rnd = new Random(rows * 15485863L + n);
        int pOff = 7;
        int dpOff = 2;
        float[] p = guarded(rnd, pOff + rows * n + 3, pOff, n, rows, n, -4f, 4f);
        Rows.scalar().softmax(p, pOff, n, rows, n, 1f);
        float[] mask = guarded(rnd, pOff + rows * n + 3, pOff, n, rows, n, 0f, 1f);
        for (int k = pOff; k < pOff + rows * n; k++) {
            mask[k] = mask[k] < 0.3f ? 0f : 1f / 0.7f;
        }
        float scale = 0.125f;
        for (float[] m : new float[][] {null, mask}) {
            float[] dp = guarded(rnd, dpOff + rows * n + 3, dpOff, n, rows, n, -2f, 2f);
            float[] expected = dp.clone();
            float[] actual = dp.clone();
            Rows.scalar().softmaxBackward(expected, dpOff, p, m, pOff, rows, n, scale);
            vector.softmaxBackward(actual, dpOff, p, m, pOff, rows, n, scale);
            String what = m == null ? "no mask" : "mask";
            assertClose(actual, expected, 1e-6, 1e-5, what);
            for (int i = 0; i < rows; i++) {
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += (double) dp[dpOff + i * n + j] * (m == null ? 1 : m[pOff + i * n + j]) * p[pOff + i * n + j];
                }
                for (int j = 0; j < n; j++) {
                    double pj = p[pOff + i * n + j];
                    double ref = scale * pj * (dp[dpOff + i * n + j] * (m == null ? 1 : m[pOff + i * n + j]) - dot);
                    assertThat((double) expected[dpOff + i * n + j]).as("%s [%d][%d]", what, i, j).isCloseTo(ref, within(1e-6));
                }
            }
        }
    }

    // ---- helpers ----

    static Rows vectorRows() {
        assumeThat(VectorSupport.available()).as("jdk.incubator.vector present").isTrue();
        assertThat(Rows.VECTOR).isInstanceOf(VectorRows.class);
        return Rows.VECTOR;
    }

    static float[] nans(int length) {
        float[] a = new float[length];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static void fill(float[] a, Random rnd, float lo, float hi) {
        for (int k = 0; k < a.length; k++) {
            a[k] = lo + (hi - lo) * rnd.nextFloat();
        }
    }

    /** NaN but for rows x cols values from [lo, hi) at off with leading dimension ld. */
    static float[] guarded(Random rnd, int length, int off, int ld, int rows, int cols, float lo, float hi) {
        float[] a = nans(length);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                a[off + i * ld + j] = lo + (hi - lo) * rnd.nextFloat();
            }
        }
        return a;
    }

    /** Element by element within abs + rel |expected|, NaN exactly where the scalar result is NaN (the guards). */
    static void assertClose(float[] actual, float[] expected, double abs, double rel, String what) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        for (int k = 0; k < actual.length; k++) {
            if (Float.isNaN(expected[k])) {
                assertThat(actual[k]).as("%s: guard at %d", what, k).isNaN();
            } else {
                assertThat((double) actual[k]).as("%s: [%d]", what, k).isCloseTo(expected[k], within(abs + rel * Math.abs(expected[k])));
            }
        }
    }
}
