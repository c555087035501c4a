package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dropout mask kernel: the vector twin draws the scalar one's bits, a range split anywhere
 * draws what the whole range does, and the draws look like independent coin flips.
 */
class DropoutMaskTest {
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 7, 8, 9, 17, 100, 1031})
    void vectorMatchesScalarBitForBit(int n) {
        Rows vector = RowGradsTest.vectorRows();
        for (long seed : new long[] {0L, 42L, -1L, 0x123456789abcdefL}) {
            for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
                float[] expected = RowGradsTest.nans(n + 5);
                float[] actual = RowGradsTest.nans(n + 5);
                Rows.scalar().dropoutMask(expected, 2, n, seed, 1000, p);
                vector.dropoutMask(actual, 2, n, seed, 1000, p);
                assertThat(bits(actual)).as("seed %d p %s", seed, p).isEqualTo(bits(expected));
            }
        }
    }

    @Test
    void anySplitDrawsTheSameMask() {
        int n = 1000;
        for (Rows kernel : kernels()) {
            float[] whole = new float[n];
            kernel.dropoutMask(whole, 0, n, 7L, 0, 0.3f);
            float[] split = new float[n];
            for (int[] range : new int[][] {{0, 13}, {13, 500}, {513, 487}}) {
                kernel.dropoutMask(split, range[0], range[1], 7L, range[0], 0.3f);
            }
            assertThat(split).isEqualTo(whole);
        }
    }

    @Test
    void dropsAboutPAndScalesTheRest() {
        int n = 200_000;
        for (Rows kernel : kernels()) {
            for (float p : new float[] {0.1f, 0.3f, 0.5f}) {
                float[] mask = new float[n];
                kernel.dropoutMask(mask, 0, n, 11L, 0, p);
                int zeros = 0;
                int runs = 0; // dropped positions whose neighbour is dropped too: p n for independent draws
                for (int i = 0; i < n; i++) {
                    if (mask[i] == 0f) {
                        zeros++;
                        runs += i > 0 && mask[i - 1] == 0f ? 1 : 0;
                    } else {
                        assertThat(mask[i]).isEqualTo(1f / (1f - p));
                    }
                }
                assertThat((double) zeros / n).as("%s p=%s", kernel.getClass().getSimpleName(), p).isCloseTo(p, within(0.005));
                assertThat((double) runs / zeros).as("pairs, p=%s", p).isCloseTo(p, within(0.01));
            }
        }
    }

    @Test
    void seedsAndCountersGiveDifferentMasks() {
        int n = 4096;
        float[] a = new float[n];
        float[] b = new float[n];
        float[] c = new float[n];
        Rows.scalar().dropoutMask(a, 0, n, 1L, 0, 0.5f);
        Rows.scalar().dropoutMask(b, 0, n, 2L, 0, 0.5f);
        Rows.scalar().dropoutMask(c, 0, n, 1L, n, 0.5f);
        assertThat(agreement(a, b)).isCloseTo(0.5, within(0.05));
        assertThat(agreement(a, c)).isCloseTo(0.5, within(0.05));
        // Seeds that differ only in their upper half, or by a shift of the counter, differ too.
        float[] d = new float[n];
        Rows.scalar().dropoutMask(d, 0, n, 1L | (5L << 32), 0, 0.5f);
        assertThat(agreement(a, d)).isCloseTo(0.5, within(0.05));
        float[] e = new float[n];
        Rows.scalar().dropoutMask(e, 0, n, 2L, -1, 0.5f); // counter + low half of the seed as in a
        assertThat(agreement(a, e)).isCloseTo(0.5, within(0.05));
    }

    private static double agreement(float[] a, float[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return (double) same / a.length;
    }

    private static Rows[] kernels() {
        return Rows.VECTOR == null ? new Rows[] {Rows.scalar()} : new Rows[] {Rows.scalar(), Rows.VECTOR};
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
