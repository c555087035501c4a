package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;
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
 * The row kernels: the vector twin matches the scalar one on every size (vector bodies and tails),
 * layout (offsets, leading dimensions, aliasing) and option, leaving everything outside the block it
 * owns untouched (NaN guards); and the scalar one matches independent double-precision references.
 */
class RowsTest {
    private static final int[] SIZES = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 384, 1536};
    private static final float[] SCALES = {1f, 0.125f, 0.17677669f, 0.3f, 2.5f};

    /** rows in 1..5 against every size. */
    static Stream<Arguments> shapes() {
        return IntStream.rangeClosed(1, 5).boxed()
                .flatMap(rows -> Arrays.stream(SIZES).mapToObj(n -> Arguments.of(rows, n)));
    }

    // ---- vector twin against scalar ----

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void vectorBiasActivationMatchesScalar(int rows, int cols) {
        Rows vector = vectorRows();
        Random rnd = new Random(rows * 7919L + cols);
        for (Activation act : Activation.values()) {
            for (boolean withBias : new boolean[] {false, true}) {
                int off = 3;
                int ldc = cols + 5;
                float[] c = guarded(rnd, off + (rows - 1) * ldc + cols + 4, off, ldc, rows, cols, -6f, 6f);
                float[] bias = withBias ? guarded(rnd, 2 + cols + 3, 2, cols, 1, cols, -1f, 1f) : null;
                float[] expected = c.clone();
                float[] actual = c.clone();
                Rows.scalar().biasActivation(expected, off, ldc, rows, cols, bias, 2, act);
                vector.biasActivation(actual, off, ldc, rows, cols, bias, 2, act);
                // NONE and RELU do the same float operations; GELU is float + vector exp against double.
                double abs = act == Activation.GELU ? 1e-6 : 0;
                double rel = act == Activation.GELU ? 1e-5 : 0;
                assertBlock(actual, expected, off, ldc, rows, cols, abs, rel, act + " bias=" + withBias);
            }
        }
    }

    /** Past |x| = 13.2 the exponential inside erfc would leave the normal floats and is clamped. */
    @Test
    void vectorGeluMatchesScalarFarIntoBothTails() {
        int cols = 1281;
        float[] c = new float[cols];
        for (int j = 0; j < cols; j++) {
            c[j] = (j - 640) / 16f; // [-40, 40]
        }
        float[] expected = c.clone();
        Rows.scalar().biasActivation(expected, 0, cols, 1, cols, null, 0, Activation.GELU);
        vectorRows().biasActivation(c, 0, cols, 1, cols, null, 0, Activation.GELU);
        for (int j = 0; j < cols; j++) {
            assertThat(c[j]).as("gelu(%s)", (j - 640) / 16f).isCloseTo(expected[j], within(1e-6f + 1e-5f * Math.abs(expected[j])));
        }
        assertThat(Math.abs(c[0])).as("gelu(-40)").isLessThan(1e-30f);
        assertThat(c[cols - 1]).as("gelu(40)").isEqualTo(40f);
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void vectorLayerNormMatchesScalar(int rows, int n) {
        Rows vector = vectorRows();
        Random rnd = new Random(rows * 104729L + n);
        float[] gamma = padded(rnd, n, 0.5f, 1.5f);
        float[] beta = padded(rnd, n, -0.5f, 0.5f);
        for (boolean withBias : new boolean[] {false, true}) {
            for (boolean withResidual : new boolean[] {false, true}) {
                // 0: separate output; 1: out == x; 2: out == residual.
                for (int alias = 0; alias < (withResidual ? 3 : 2); alias++) {
                    float[] bias = withBias ? padded(rnd, n, -1f, 1f) : null;
                    int xOff = 5;
                    int resOff = 2;
                    int outOff = alias == 0 ? 7 : alias == 1 ? xOff : resOff;
                    float[] x = guarded(rnd, xOff + rows * n + 3, xOff, n, rows, n, -3f, 3f);
                    float[] res = withResidual ? guarded(rnd, resOff + rows * n + 3, resOff, n, rows, n, -2f, 2f) : null;
                    float[] out = alias == 0 ? guarded(rnd, outOff + rows * n + 3, outOff, n, rows, n, -9f, 9f) : null;
                    float[][] s = {x.clone(), res == null ? null : res.clone(), out == null ? null : out.clone()};
                    float[][] v = {x.clone(), res == null ? null : res.clone(), out == null ? null : out.clone()};
                    float[] sOut = alias == 0 ? s[2] : alias == 1 ? s[0] : s[1];
                    float[] vOut = alias == 0 ? v[2] : alias == 1 ? v[0] : v[1];
                    Rows.scalar().layerNorm(s[0], xOff, bias, s[1], resOff, rows, n, gamma, beta, 1e-5f, sOut, outOff);
                    vector.layerNorm(v[0], xOff, bias, v[1], resOff, rows, n, gamma, beta, 1e-5f, vOut, outOff);
                    String what = "bias=" + withBias + " residual=" + withResidual + " alias=" + alias;
                    assertBlock(vOut, sOut, outOff, n, rows, n, 1e-5, 1e-5, what);
                    // Inputs that are not the output are read only.
                    if (alias != 1) {
                        assertThat(bits(v[0])).as(what + " x").isEqualTo(bits(x));
                    }
                    if (withResidual && alias != 2) {
                        assertThat(bits(v[1])).as(what + " residual").isEqualTo(bits(res));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void vectorSoftmaxMatchesScalar(int rows, int n) {
        Rows vector = vectorRows();
        Random rnd = new Random(rows * 15485863L + n);
        for (float scale : SCALES) {
            int off = 4;
            int ld = n + 3;
            float[] v = guarded(rnd, off + (rows - 1) * ld + n + 2, off, ld, rows, n, -8f, 8f);
            if (rows >= 2) {
                fillRow(v, off + ld, n, rnd, 80f, 100f); // large values: only the max shift keeps exp finite
            }
            if (rows >= 3) {
                v[off + 2 * ld + rnd.nextInt(n)] = 1e4f; // one value far above the rest
            }
            float[] expected = v.clone();
            float[] actual = v.clone();
            Rows.scalar().softmax(expected, off, ld, rows, n, scale);
            vector.softmax(actual, off, ld, rows, n, scale);
            assertBlock(actual, expected, off, ld, rows, n, 1e-5, 1e-5, "scale=" + scale);
        }
    }

    /** Rows whose max is huge: exp of the shifted values must still be exp(0) = 1 at the max, whatever the scale. */
    @ParameterizedTest(name = "n = {0}")
    @MethodSource("hugeSizes")
    void softmaxOfOneHugeValueIsOneHot(int n) {
        for (Rows kernel : kernels()) {
            for (float scale : SCALES) {
                for (float huge : new float[] {1e4f, 1e9f, 1e30f}) {
                    for (int at : new int[] {0, n / 2, n - 1}) {
                        float[] v = new float[n];
                        fillRow(v, 0, n, new Random(n), -3f, 3f);
                        v[at] = huge;
                        kernel.softmax(v, 0, n, 1, n, scale);
                        for (int j = 0; j < n; j++) {
                            assertThat(v[j]).as("%s huge=%s at %d scale=%s: [%d]", kernel.getClass().getSimpleName(),
                                    huge, at, scale, j).isCloseTo(j == at ? 1f : 0f, within(1e-6f));
                        }
                    }
                }
            }
        }
    }

    static IntStream hugeSizes() {
        return IntStream.of(1, 7, 8, 9, 17, 64, 100);
    }

    @Test
    void bestIsTheVectorTwinWhenEnabled() {
        assertThat(Rows.scalar()).isInstanceOf(ScalarRows.class);
        assumeThat(VectorSupport.enabled()).isTrue();
        assertThat(Rows.best()).isSameAs(Rows.VECTOR).isInstanceOf(VectorRows.class);
    }

    // ---- scalar kernels against independent references ----

    @Test
    void referenceErfReproducesTabulatedValues() {
        assertThat(erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
        assertThat(erf(1)).isCloseTo(0.8427007929497149, within(1e-15));
        assertThat(erf(2)).isCloseTo(0.9953222650189527, within(1e-15));
        assertThat(erfc(3)).isCloseTo(2.209049699858544e-5, withinPercentage(1e-9));
        assertThat(erfc(5)).isCloseTo(1.5374597944280349e-12, withinPercentage(1e-9));
    }

    @Test
    void scalarGeluIsExactErfGelu() {
        assertThat(MathFns.gelu(0f)).isZero();
        assertThat((double) MathFns.gelu(1f)).isCloseTo(0.8413447460685429, within(1e-7));
        assertThat((double) MathFns.gelu(-1f)).isCloseTo(-0.15865525393145707, within(1e-7));
        assertThat((double) MathFns.gelu(3f)).isCloseTo(2.9959502, within(1e-6));
        // Every multiple of 1/64 in [-10, 10] through the kernel, against GELU from the reference erfc.
        int cols = 1281;
        float[] c = new float[cols];
        for (int j = 0; j < cols; j++) {
            c[j] = (j - 640) / 64f;
        }
        float[] in = c.clone();
        Rows.scalar().biasActivation(c, 0, cols, 1, cols, null, 0, Activation.GELU);
        for (int j = 0; j < cols; j++) {
            double x = in[j];
            double ref = x >= 0 ? x * (1 - 0.5 * erfc(x / Math.sqrt(2))) : 0.5 * x * erfc(-x / Math.sqrt(2));
            assertThat((double) c[j]).as("gelu(%s)", x).isCloseTo(ref, within(1e-7 + 5e-7 * Math.abs(ref)));
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void scalarLayerNormNormalizesAndMatchesDouble(int rows, int n) {
        Random rnd = new Random(rows * 31L + n);
        float[] x = new float[rows * n];
        float[] res = new float[rows * n];
        fillRow(x, 0, x.length, rnd, -3f, 3f);
        fillRow(res, 0, res.length, rnd, -2f, 4f);
        float[] bias = padded(rnd, n, -1f, 1f);
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        // Plain normalization: each row has mean 0 and (population) variance 1.
        float[] out = new float[rows * n];
        Rows.scalar().layerNorm(x, 0, bias, res, 0, rows, n, ones, new float[n], 1e-12f, out, 0);
        for (int i = 0; i < rows && n >= 2; i++) {
            double mean = 0;
            double sq = 0;
            for (int j = 0; j < n; j++) {
                mean += out[i * n + j];
            }
            mean /= n;
            for (int j = 0; j < n; j++) {
                sq += (out[i * n + j] - mean) * (out[i * n + j] - mean);
            }
            assertThat(mean).as("row %d mean", i).isCloseTo(0, within(1e-5));
            assertThat(sq / n).as("row %d variance", i).isCloseTo(1, within(1e-4));
        }
        // With gamma and beta, against the formula in double.
        float[] gamma = padded(rnd, n, 0.5f, 1.5f);
        float[] beta = padded(rnd, n, -0.5f, 0.5f);
        Rows.scalar().layerNorm(x, 0, bias, res, 0, rows, n, gamma, beta, 1e-5f, out, 0);
        for (int i = 0; i < rows; i++) {
            double[] row = new double[n];
            double mean = 0;
            for (int j = 0; j < n; j++) {
                row[j] = (double) x[i * n + j] + bias[j] + res[i * n + j];
                mean += row[j];
            }
            mean /= n;
            double var = 0;
            for (int j = 0; j < n; j++) {
                var += (row[j] - mean) * (row[j] - mean);
            }
            double rstd = 1 / Math.sqrt(var / n + 1e-5f);
            for (int j = 0; j < n; j++) {
                double ref = (row[j] - mean) * rstd * gamma[j] + beta[j];
                assertThat((double) out[i * n + j]).as("[%d][%d]", i, j).isCloseTo(ref, within(1e-5 + 1e-5 * Math.abs(ref)));
            }
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void softmaxSumsToOneIsShiftInvariantAndMatchesDouble(int rows, int n) {
        Random rnd = new Random(rows * 131L + n);
        for (Rows kernel : kernels()) {
            for (float scale : SCALES) {
                // Multiples of 1/64 in [-8, 8]: adding 37 to them is exact in float.
                float[] v = new float[rows * n];
                for (int k = 0; k < v.length; k++) {
                    v[k] = (rnd.nextInt(1025) - 512) / 64f;
                }
                for (int j = 0; rows >= 2 && j < n; j++) {
                    v[n + j] = (80 * 64 + rnd.nextInt(1281)) / 64f; // 80..100
                }
                float[] p = v.clone();
                float[] shifted = v.clone();
                for (int k = 0; k < v.length; k++) {
                    shifted[k] += 37f;
                }
                kernel.softmax(p, 0, n, rows, n, scale);
                kernel.softmax(shifted, 0, n, rows, n, scale);
                String what = kernel.getClass().getSimpleName() + " scale=" + scale;
                for (int i = 0; i < rows; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        max = Math.max(max, v[i * n + j]);
                    }
                    double sumRef = 0;
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        sumRef += Math.exp((v[i * n + j] - max) * scale);
                        sum += p[i * n + j];
                    }
                    assertThat(sum).as("%s row %d sum", what, i).isCloseTo(1, within(1e-5));
                    for (int j = 0; j < n; j++) {
                        double ref = Math.exp((v[i * n + j] - max) * scale) / sumRef;
                        assertThat((double) p[i * n + j]).as("%s [%d][%d]", what, i, j)
                                .isCloseTo(ref, within(1e-6 + 1e-5 * ref));
                        assertThat((double) shifted[i * n + j]).as("%s shifted [%d][%d]", what, i, j)
                                .isCloseTo(p[i * n + j], within(1e-6 + 1e-5 * ref));
                    }
                }
            }
        }
    }

    // ---- helpers ----

    private static Rows vectorRows() {
        assumeThat(VectorSupport.available()).as("jdk.incubator.vector present").isTrue();
        assertThat(Rows.VECTOR).as("VectorRows loaded by name").isInstanceOf(VectorRows.class);
        return Rows.VECTOR;
    }

    /** The scalar kernel, and the vector one when the module is present. */
    private static Rows[] kernels() {
        return Rows.VECTOR == null ? new Rows[] {Rows.scalar()} : new Rows[] {Rows.scalar(), Rows.VECTOR};
    }

    /** An array of NaN but for a rows x cols block at off with leading dimension ld, drawn from [lo, hi). */
    private static float[] guarded(Random rnd, int length, int off, int ld, int rows, int cols, float lo, float hi) {
        float[] a = new float[length];
        Arrays.fill(a, Float.NaN);
        for (int i = 0; i < rows; i++) {
            fillRow(a, off + i * ld, cols, rnd, lo, hi);
        }
        return a;
    }

    /** n values from [lo, hi), then NaN: a kernel reading past n poisons its output. */
    private static float[] padded(Random rnd, int n, float lo, float hi) {
        float[] a = new float[n + 4];
        Arrays.fill(a, Float.NaN);
        fillRow(a, 0, n, rnd, lo, hi);
        return a;
    }

    private static void fillRow(float[] a, int off, int n, Random rnd, float lo, float hi) {
        for (int j = 0; j < n; j++) {
            a[off + j] = lo + (hi - lo) * rnd.nextFloat();
        }
    }

    /** Inside the block: |actual - expected| <= abs + rel |expected|; outside: still the NaN guard. */
    private static void assertBlock(float[] actual, float[] expected, int off, int ld, int rows, int cols,
                                    double abs, double rel, String what) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        for (int k = 0; k < actual.length; k++) {
            int i = (k - off) / ld;
            int j = (k - off) % ld;
            boolean inside = k >= off && i < rows && j < cols;
            if (inside) {
                assertThat(Float.isFinite(expected[k])).as("%s: scalar [%d][%d] = %s", what, i, j, expected[k]).isTrue();
                assertThat((double) actual[k]).as("%s: [%d][%d]", what, i, j)
                        .isCloseTo(expected[k], within(abs + rel * Math.abs(expected[k])));
            } else {
                assertThat(actual[k]).as("%s: guard at %d", what, k).isNaN();
                assertThat(expected[k]).as("%s: scalar guard at %d", what, k).isNaN();
            }
        }
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int k = 0; k < a.length; k++) {
            b[k] = Float.floatToRawIntBits(a[k]);
        }
        return b;
    }

    /** erf from its everywhere-convergent series of positive terms (no cancellation), for |x| < 3. */
    static double erf(double x) {
        if (Math.abs(x) >= 3) {
            return Math.signum(x) * (1 - erfc(Math.abs(x)));
        }
        double term = x;
        double sum = x;
        for (int k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
            term *= 2 * x * x / (2 * k + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    /** erfc(z), z >= 0: 1 - erf below 3, above it the continued fraction (Laplace), evaluated backwards. */
    static double erfc(double z) {
        if (z < 3) {
            return 1 - erf(z);
        }
        double f = z;
        for (int k = 200; k >= 1; k--) {
            f = z + (k / 2.0) / f;
        }
        return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
    }
}
