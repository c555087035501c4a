package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The vector GEMM (directly and through the dispatcher) against its scalar twin. */
class VectorGemmTest {
    private static final float GUARD = Float.NaN;

    /** m, n, k: degenerate sizes, tails off every tile edge, and k past the k-block of 256. */
    static Stream<Arguments> shapes() {
        List<int[]> shapes = new ArrayList<>(List.of(
                new int[] {1, 1, 1}, new int[] {0, 0, 0}, new int[] {0, 5, 3}, new int[] {5, 0, 3},
                new int[] {5, 3, 0}, new int[] {7, 13, 29}, new int[] {33, 65, 17}, new int[] {4, 48, 16},
                new int[] {4, 24, 8}, new int[] {5, 49, 257}, new int[] {3, 100, 300}, new int[] {1, 384, 384},
                new int[] {70, 53, 513}, new int[] {130, 97, 31}, new int[] {32, 96, 1536}, new int[] {2, 2, 40},
                // the skinny transB kernel (m <= 32, k >= 64): every vector count, n off the 4-row tile
                new int[] {25, 1152, 384}, new int[] {9, 13, 64}, new int[] {17, 7, 100}, new int[] {32, 6, 65},
                new int[] {24, 5, 70}, new int[] {8, 3, 64}));
        Random rnd = new Random(7);
        for (int i = 0; i < 40; i++) {
            shapes.add(new int[] {rnd.nextInt(40), rnd.nextInt(120), rnd.nextInt(80)});
        }
        return shapes.stream().map(s -> Arguments.of(s[0], s[1], s[2]));
    }

    @ParameterizedTest(name = "{0}x{2} * {2}x{1}")
    @MethodSource("shapes")
    void vectorKernelMatchesScalar(int m, int n, int k) {
        assumeThat(VectorSupport.available()).isTrue();
        Gemm.Kernel vector = new VectorGemm();
        for (boolean transB : new boolean[] {false, true}) {
            for (boolean subBlock : new boolean[] {false, true}) {
                check(vector, m, n, k, transB, subBlock, 1, new Random(m * 31L * 31L + n * 31L + k));
            }
        }
    }

    @ParameterizedTest(name = "{0}x{2} * {2}x{1}")
    @MethodSource("shapes")
    void bestMatchesScalar(int m, int n, int k) {
        assumeThat(VectorSupport.enabled()).isTrue();
        // Also proves VectorSupport could load the class by name.
        assertThat(Gemm.best()).isInstanceOf(VectorGemm.class);
        for (boolean transB : new boolean[] {false, true}) {
            check(Gemm.best(), m, n, k, transB, true, 1, new Random(17));
        }
    }

    @Test
    void twoThreadsMatchOneThread() {
        int saved = Parallel.threads();
        // Shapes large enough to be split: by columns (few rows) and by rows (many rows).
        int[][] shapes = {{32, 1536, 384}, {20, 517, 333}, {3, 700, 600}, {200, 100, 64}, {64, 37, 1000}, {25, 1536, 384}};
        try {
            Parallel.setThreads(2);
            for (Gemm.Kernel kernel : List.of(Gemm.scalar(), Gemm.best())) {
                for (int[] s : shapes) {
                    for (boolean transB : new boolean[] {false, true}) {
                        check(kernel, s[0], s[1], s[2], transB, true, 2, new Random(3));
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /**
     * Runs {@code kernel} on random operands placed at offsets inside larger arrays (when {@code subBlock})
     * and compares with the scalar twin. {@code threads > 1} goes through the dispatcher, and the
     * reference is then the same kernel on one thread. C starts as garbage inside the block (it must be
     * overwritten) and NaN around it (it must stay untouched).
     */
    private static void check(Gemm.Kernel kernel, int m, int n, int k, boolean transB, boolean subBlock, int threads,
                              Random rnd) {
        int pad = subBlock ? 1 + rnd.nextInt(5) : 0;
        int lda = k + pad, ldc = n + pad + 2;
        int bRows = transB ? n : k, bCols = transB ? k : n, ldb = bCols + pad;
        int aOff = pad * 3, bOff = pad * 5, cOff = pad * 7;
        float[] a = random(rnd, aOff + m * lda), b = random(rnd, bOff + bRows * ldb);
        float[] c = new float[cOff + m * ldc + pad];
        float[] expected = new float[m * n];
        Arrays.fill(c, GUARD);
        for (int i = 0; i < m; i++) {
            Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 123f);
        }
        Gemm.Kernel reference = threads > 1 ? kernel : Gemm.scalar();
        reference.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, transB, expected, 0, n);
        if (threads > 1) {
            Gemm.run(kernel, m, n, k, a, aOff, lda, b, bOff, ldb, transB, c, cOff, ldc);
        } else {
            kernel.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, transB, c, cOff, ldc);
        }
        float[] bound = magnitudes(m, n, k, a, aOff, lda, b, bOff, ldb, transB);
        String where = String.format("m=%d n=%d k=%d transB=%b lda=%d ldb=%d ldc=%d threads=%d", m, n, k, transB,
                lda, ldb, ldc, threads);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float got = c[cOff + i * ldc + j], want = expected[i * n + j];
                // Relative to sum |a||b|, the scale of the rounding error of any summation order.
                float tol = 1e-4f * bound[i * n + j] + 1e-6f;
                assertThat(Math.abs(got - want)).as("%s at (%d,%d): %f vs %f", where, i, j, got, want)
                        .isLessThanOrEqualTo(tol);
            }
        }
        for (int idx = 0; idx < c.length; idx++) {
            int r = (idx - cOff) / ldc, col = (idx - cOff) % ldc;
            boolean inside = idx >= cOff && r < m && col < n;
            if (!inside) {
                assertThat(c[idx]).as("%s: C[%d] outside the block was written", where, idx).isNaN();
            }
        }
    }

    private static float[] magnitudes(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                      boolean transB) {
        float[] absA = a.clone(), absB = b.clone(), out = new float[m * n];
        for (int i = 0; i < absA.length; i++) {
            absA[i] = Math.abs(absA[i]);
        }
        for (int i = 0; i < absB.length; i++) {
            absB[i] = Math.abs(absB[i]);
        }
        Gemm.scalar().gemm(m, n, k, absA, aOff, lda, absB, bOff, ldb, transB, out, 0, n);
        return out;
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }
}
