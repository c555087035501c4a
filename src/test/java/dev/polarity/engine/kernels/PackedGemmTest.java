package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed-weight GEMM: the scalar twin against the plain transB GEMM on the unpacked weight,
 * the vector kernel against the scalar twin, and the pooled dispatcher against one thread.
 */
class PackedGemmTest {

    /** m, n, k: n off the panel width, rows off the 8-, 4- and 2-row tiles, past the 64-row block; odd k. */
    static Stream<Arguments> shapes() {
        List<int[]> shapes = new ArrayList<>(List.of(
                new int[] {1, 1, 1}, new int[] {0, 24, 8}, new int[] {4, 24, 1}, new int[] {5, 25, 3},
                new int[] {25, 1152, 384}, new int[] {25, 384, 1536}, new int[] {3, 23, 40}, new int[] {67, 48, 17},
                new int[] {130, 50, 9}, new int[] {8, 47, 64}, new int[] {12, 48, 20}, new int[] {15, 72, 33},
                new int[] {6, 30, 7}, new int[] {14, 24, 50}));
        Random rnd = new Random(11);
        for (int i = 0; i < 30; i++) {
            shapes.add(new int[] {rnd.nextInt(70), 1 + rnd.nextInt(100), 1 + rnd.nextInt(90)});
        }
        return shapes.stream().map(s -> Arguments.of(s[0], s[1], s[2]));
    }

    @ParameterizedTest(name = "{0}x{2} * ({1}x{2})^T")
    @MethodSource("shapes")
    void scalarPackedMatchesTheTransBGemmOnTheUnpackedWeight(int m, int n, int k) {
        check(Gemm.scalar(), Gemm.scalar(), m, n, k, 1);
    }

    @ParameterizedTest(name = "{0}x{2} * ({1}x{2})^T")
    @MethodSource("shapes")
    void vectorPackedMatchesScalarPacked(int m, int n, int k) {
        assumeThat(VectorSupport.available()).isTrue();
        check(new VectorGemm(true), Gemm.scalar(), m, n, k, 1);
        check(new VectorGemm(false), Gemm.scalar(), m, n, k, 1);
    }

    @Test
    void twoThreadsMatchOneAndTheEpilogueCoversEachCellOnce() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            for (int[] s : new int[][] {{25, 1152, 384}, {400, 384, 1536}, {203, 1536, 384}, {3, 700, 600},
                    {1, 50, 30000}}) {
                check(Gemm.best(), Gemm.scalar(), s[0], s[1], s[2], 2);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void packingRejectsAWeightThatDoesNotFit() {
        assertThatThrownBy(() -> PackedB.ofTransposed(new float[10], 0, 3, 4)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> PackedB.ofTransposed(new float[10], 0, 0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThat(PackedB.ofTransposed(new float[12], 0, 3, 4).panels()).isEqualTo(1);
        int n = PackedB.PANEL + 1; // one column past a whole panel starts a second one
        assertThat(PackedB.ofTransposed(new float[4 * n], 0, n, 4).panels()).isEqualTo(2);
    }

    /**
     * C = A * W^T through {@code kernel} on a packed W placed at an offset inside a larger array, with
     * A and C as sub-blocks; C starts as garbage inside (overwritten) and NaN around it (untouched).
     */
    private static void check(Gemm.Kernel kernel, Gemm.Kernel reference, int m, int n, int k, int threads) {
        Random rnd = new Random(m * 961L + n * 31L + k);
        int lda = k + 3, ldc = n + 5, wOff = 7, aOff = 2, cOff = 4;
        float[] w = random(rnd, wOff + n * k);
        float[] a = random(rnd, aOff + m * lda);
        float[] expected = new float[m * n];
        reference.gemm(m, n, k, a, aOff, lda, w, wOff, k, true, expected, 0, n);
        PackedB packed = PackedB.ofTransposed(w, wOff, n, k);
        float[] c = new float[cOff + m * ldc + 3];
        Arrays.fill(c, Float.NaN);
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 123f);
        }
        int[] covered = new int[m * n];
        AtomicLong cells = new AtomicLong();
        if (threads > 1) {
            // Blocks of columns, and of rows too when there are many: each cell exactly once.
            Gemm.runPacked(kernel, m, a, aOff, lda, packed, c, cOff, ldc, (r0, rows, c0, cols) -> {
                synchronized (covered) {
                    for (int i = r0; i < r0 + rows; i++) {
                        for (int j = c0; j < c0 + cols; j++) {
                            covered[i * n + j]++;
                        }
                    }
                }
                cells.addAndGet((long) rows * cols);
            });
            assertThat(covered).containsOnly(1);
            assertThat(cells.get()).isEqualTo((long) m * n);
        } else {
            kernel.gemmPacked(m, a, aOff, lda, packed, 0, packed.panels(), c, cOff, ldc);
        }
        String where = String.format("m=%d n=%d k=%d threads=%d", m, n, k, threads);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float got = c[cOff + i * ldc + j];
                float want = expected[i * n + j];
                float tol = 1e-5f * k + 1e-6f; // |a|, |w| < 1: k products of rounding error at most
                assertThat(Math.abs(got - want)).as("%s at (%d,%d): %f vs %f", where, i, j, got, want).isLessThanOrEqualTo(tol);
            }
        }
        for (int idx = 0; idx < c.length; idx++) {
            int r = (idx - cOff) / ldc;
            int col = (idx - cOff) % ldc;
            if (!(idx >= cOff && r < m && col < n)) {
                assertThat(c[idx]).as("%s: C[%d] outside the block was written", where, idx).isNaN();
            }
        }
    }

    /** A given transposed (as dW = dY^T X reads dY): each kernel, and the pool, against the plain product. */
    @ParameterizedTest(name = "({0}x{2})^T^T * ({1}x{2})^T")
    @MethodSource("shapes")
    void transposedAMatchesThePlainProduct(int m, int n, int k) {
        checkTransA(Gemm.scalar(), m, n, k, 1);
        if (VectorSupport.available()) {
            checkTransA(new VectorGemm(true), m, n, k, 1);
            checkTransA(new VectorGemm(false), m, n, k, 1);
        }
    }

    @Test
    void transposedAOnTwoThreadsMatchesThePlainProduct() {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(2);
            for (int[] s : new int[][] {{384, 384, 300}, {36, 1536, 50}, {390, 30, 200}}) {
                checkTransA(Gemm.best(), s[0], s[1], s[2], 2);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private static void checkTransA(Gemm.Kernel kernel, int m, int n, int k, int threads) {
        Random rnd = new Random(m * 7L + n * 131L + k);
        int lda = m + 3, aOff = 5, ldc = n + 2;
        float[] at = random(rnd, aOff + k * lda); // A^T: [k x m] with row stride lda
        float[] a = new float[m * k];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                a[i * k + p] = at[aOff + p * lda + i];
            }
        }
        float[] w = random(rnd, n * k);
        float[] expected = new float[m * n];
        Gemm.scalar().gemm(m, n, k, a, 0, k, w, 0, k, true, expected, 0, n);
        PackedB packed = PackedB.ofTransposed(w, 0, n, k);
        float[] c = new float[m * ldc];
        Arrays.fill(c, Float.NaN);
        if (threads > 1) {
            Gemm.runPackedTransA(kernel, m, at, aOff, lda, packed, c, 0, ldc);
        } else {
            kernel.gemmPackedTransA(m, at, aOff, lda, packed, 0, packed.panels(), c, 0, ldc);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                float got = c[i * ldc + j];
                if (j >= n) {
                    assertThat(got).as("m=%d n=%d k=%d: C(%d,%d) past n was written", m, n, k, i, j).isNaN();
                } else {
                    assertThat(Math.abs(got - expected[i * n + j])).as("%s m=%d n=%d k=%d at (%d,%d)",
                            kernel.getClass().getSimpleName(), m, n, k, i, j).isLessThanOrEqualTo(1e-5f * k + 1e-6f);
                }
            }
        }
    }

    @Test
    void anUntransposedOperandPacksToTheSameProductAsItsTranspose() {
        Random rnd = new Random(11);
        for (int[] mnk : new int[][] {{1, 1, 1}, {7, 25, 3}, {33, 50, 17}, {64, 384, 40}}) {
            int m = mnk[0], n = mnk[1], k = mnk[2], ldb = n + 3, off = 5;
            float[] b = random(rnd, off + k * ldb);
            float[] a = random(rnd, m * k);
            float[] expected = new float[m * n];
            Gemm.scalar().gemm(m, n, k, a, 0, k, b, off, ldb, false, expected, 0, n);
            float[] got = new float[m * n];
            Gemm.runPacked(Gemm.best(), m, a, 0, k, PackedB.of(b, off, k, n, ldb), got, 0, n, null);
            for (int i = 0; i < got.length; i++) {
                assertThat(Math.abs(got[i] - expected[i])).as("m=%d n=%d k=%d at %d", m, n, k, i).isLessThanOrEqualTo(1e-5f * k + 1e-6f);
            }
        }
        assertThatThrownBy(() -> PackedB.of(new float[10], 0, 3, 4, 4)).hasMessageContaining("does not fit");
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }
}
