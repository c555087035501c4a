package dev.polarity.engine.kernels;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prints GFLOP/s of the GEMM kernels on the encoder's feed-forward shapes (a batch of 32 rows,
 * hidden 384, intermediate 1536), 1 and 2 threads. A benchmark, not a test: it asserts nothing and
 * only runs under {@code mvn -B -Pbench verify}.
 */
@Tag("bench")
class MatmulBench {
    private static final int[][] SHAPES = {{32, 384, 1536}, {32, 1536, 384}}; // m, k, n
    private static final long BUDGET_NANOS = 250_000_000L; // per measured cell, after warm-up

    @Test
    void matmul() {
        int savedThreads = Parallel.threads();
        System.out.printf("%nGEMM C[m x n] = A[m x k] * op(B), species %s, best of timed reps, GFLOP/s%n",
                VectorSupport.available() ? vectorSpecies() : "(vector module absent)");
        System.out.printf("%-24s %-7s %10s %10s %10s %10s%n", "shape [m x k] x [k x n]", "transB",
                "vector x1", "vector x2", "scalar x1", "scalar x2");
        try {
            for (int[] s : SHAPES) {
                // B as a Linear weight three ways: [k x n], [n x k] read as is (transB), packed once.
                for (String layout : new String[] {"false", "true", "packed"}) {
                    System.out.printf("%-24s %-7s %10.1f %10.1f %10.1f %10.1f%n",
                            "[" + s[0] + "x" + s[1] + "]x[" + s[1] + "x" + s[2] + "]", layout,
                            gflops(Gemm.best(), 1, s, layout), gflops(Gemm.best(), 2, s, layout),
                            gflops(Gemm.scalar(), 1, s, layout), gflops(Gemm.scalar(), 2, s, layout));
                }
            }
        } finally {
            Parallel.setThreads(savedThreads);
        }
    }

    private static String vectorSpecies() {
        return Gemm.best().getClass().getSimpleName() + " (" + VectorGemm.S.vectorBitSize() + "-bit vectors; this machine prefers "
                + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + ")";
    }

    private static double gflops(Gemm.Kernel kernel, int threads, int[] shape, String layout) {
        int m = shape[0], k = shape[1], n = shape[2];
        Random rnd = new Random(42);
        float[] a = random(rnd, m * k), b = random(rnd, k * n), c = new float[m * n];
        boolean transB = !"false".equals(layout);
        int ldb = transB ? k : n;
        Parallel.setThreads(threads);
        Runnable call;
        if ("packed".equals(layout)) {
            PackedB packed = PackedB.ofTransposed(b, 0, n, k); // only this layout pays for packing
            call = () -> Gemm.runPacked(kernel, m, a, 0, k, packed, c, 0, n, null);
        } else {
            call = () -> Gemm.run(kernel, m, n, k, a, 0, k, b, 0, ldb, transB, c, 0, n);
        }
        // Warm up until C2 has compiled the kernel: a fixed number of calls and at least 150 ms.
        long warmEnd = System.nanoTime() + 150_000_000L;
        for (int i = 0; i < 20 || System.nanoTime() < warmEnd; i++) {
            call.run();
        }
        long best = Long.MAX_VALUE;
        long end = System.nanoTime() + BUDGET_NANOS;
        for (int rep = 0; rep < 5 || System.nanoTime() < end; rep++) {
            long t0 = System.nanoTime();
            call.run();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return 2.0 * m * n * k / best;
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextFloat() * 2f - 1f;
        }
        return x;
    }
}
