package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The optimizer update kernels: the vector twin agrees with the scalar one bit for bit, and that one with the formula in double. */
class UpdatesTest {
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final float EPS = 1e-8f;

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 7, 8, 9, 17, 100, 1023, 4099})
    void vectorAdamWMatchesScalarBitForBit(int n) {
        assumeThat(VectorSupport.available()).isTrue();
        assertThat(Updates.VECTOR).isInstanceOf(VectorUpdates.class);
        Random rnd = new Random(n);
        int wOff = 3;
        int gOff = 5;
        int mOff = 1;
        float[] w = RowGradsTest.guarded(rnd, wOff + n + 2, wOff, n, 1, n, -1f, 1f);
        float[] m = RowGradsTest.guarded(rnd, mOff + n + 2, mOff, n, 1, n, -0.01f, 0.01f);
        float[] v = RowGradsTest.guarded(rnd, mOff + n + 2, mOff, n, 1, n, 0f, 1e-4f);
        float[][] ws = {w.clone(), w.clone()};
        float[][] ms = {m.clone(), m.clone()};
        float[][] vs = {v.clone(), v.clone()};
        Updates[] kernels = {Updates.scalar(), Updates.VECTOR};
        for (int step = 1; step <= 3; step++) {
            float[] g = RowGradsTest.guarded(rnd, gOff + n + 2, gOff, n, 1, n, -0.1f, 0.1f);
            if (n > 1) {
                g[gOff + 1] = 0f;
            }
            float c1 = 1f - (float) Math.pow(B1, step);
            float c2 = 1f - (float) Math.pow(B2, step);
            for (int k = 0; k < 2; k++) {
                kernels[k].adamW(ws[k], wOff, g, gOff, ms[k], vs[k], mOff, n, B1, B2, c1, c2, 1e-3f, 1f - 1e-3f * 0.01f, EPS);
            }
            assertSameBits(ws[1], ws[0], "w step " + step);
            assertSameBits(ms[1], ms[0], "m step " + step);
            assertSameBits(vs[1], vs[0], "v step " + step);
        }
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 9, 100})
    void scalarAdamWIsTheFormula(int n) {
        Random rnd = new Random(n + 1);
        float[] w = new float[n];
        float[] g = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = rnd.nextFloat() * 2 - 1;
            g[i] = rnd.nextFloat() * 0.2f - 0.1f;
            m[i] = rnd.nextFloat() * 0.02f - 0.01f;
            v[i] = rnd.nextFloat() * 1e-4f;
        }
        float[] w0 = w.clone();
        float[] m0 = m.clone();
        float[] v0 = v.clone();
        float c1 = 1f - B1 * B1;
        float c2 = 1f - B2 * B2;
        Updates.scalar().adamW(w, 0, g, 0, m, v, 0, n, B1, B2, c1, c2, 1e-2f, 0.999f, EPS);
        for (int i = 0; i < n; i++) {
            double mi = B1 * (double) m0[i] + (1 - (double) B1) * g[i];
            double vi = B2 * (double) v0[i] + (1 - (double) B2) * g[i] * g[i];
            double wi = w0[i] * 0.999 - 1e-2 * (mi / c1) / (Math.sqrt(vi / c2) + EPS);
            assertThat((double) m[i]).isCloseTo(mi, within(1e-8));
            assertThat((double) v[i]).isCloseTo(vi, within(1e-10));
            assertThat((double) w[i]).as("w[%d]", i).isCloseTo(wi, within(1e-5 * Math.abs(wi) + 1e-6));
        }
    }

    private static void assertSameBits(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        for (int k = 0; k < actual.length; k++) {
            assertThat(Float.floatToRawIntBits(actual[k])).as("%s [%d]: %s vs %s", what, k, actual[k], expected[k])
                    .isEqualTo(Float.floatToRawIntBits(expected[k]));
        }
    }
}
