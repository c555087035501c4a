package dev.polarity.engine.kernels;

/**
 * C = A * op(B), the one kernel that dominates both inference and training.
 * A is row-major [m x k] with row stride lda; B is row-major [k x n] with row stride ldb, or,
 * when {@code transB}, [n x k] (the PyTorch layout of a Linear weight) with row stride ldb.
 * C is row-major [m x n] with row stride ldc and is overwritten.
 * The work is split over the engine's pool by rows of C, or by columns when there are few rows.
 */
public final class Gemm {
    /** One implementation of the single-threaded block kernel. */
    public interface Kernel {
        void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, boolean transB,
                  float[] c, int cOff, int ldc);

        /**
         * C[:, cols of panels [panel0, panel1)] = A * B for a packed B; A is [m x b.k()], and C's
         * columns past b.n() are not written.
         */
        void gemmPacked(int m, float[] a, int aOff, int lda, PackedB b, int panel0, int panel1, float[] c, int cOff, int ldc);

        /** As {@link #gemmPacked}, with A given transposed: A(i, p) = a[aOff + p * lda + i], A^T being [b.k() x m]. */
        void gemmPackedTransA(int m, float[] a, int aOff, int lda, PackedB b, int panel0, int panel1, float[] c, int cOff, int ldc);
    }

    /**
     * Work on a block of C right after the kernel wrote it, while it is still in cache (a bias,
     * an activation). Called once per block, from the thread that computed it.
     */
    public interface Epilogue {
        void apply(int row0, int rows, int col0, int cols);
    }

    /** About 50 us of work for one core: how finely a packed GEMM with many rows is cut. */
    private static final long TASK_FLOPS = 4_000_000;

    private static final Kernel SCALAR = new ScalarGemm();
    private static final Kernel VECTOR = VectorSupport.load("dev.polarity.engine.kernels.VectorGemm", Kernel.class);

    private Gemm() {}

    public static Kernel scalar() {
        return SCALAR;
    }

    /** The vector kernel when jdk.incubator.vector is present and enabled, else the scalar twin. */
    public static Kernel best() {
        return VECTOR != null && VectorSupport.enabled() ? VECTOR : SCALAR;
    }

    public static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, boolean transB,
                            float[] c, int cOff, int ldc) {
        run(best(), m, n, k, a, aOff, lda, b, bOff, ldb, transB, c, cOff, ldc);
    }

    /**
     * C = A * B with A given transposed (A^T row-major [b.k() x m], row stride lda), split over the
     * pool by blocks of rows of C: the kernel copies each block of A once, which a split by columns
     * would repeat in every task. Blocks of 64 rows, or 32 when that makes too few to share out
     * (384 rows, a hidden-size weight, in 12 tasks rather than 6).
     */
    public static void runPackedTransA(Kernel kernel, int m, float[] a, int aOff, int lda, PackedB b, float[] c, int cOff,
                                       int ldc) {
        int threads = Parallel.threads();
        int rows = m >= 64 * 4 * threads ? 64 : 32;
        int blocks = (m + rows - 1) / rows;
        if (threads == 1 || blocks < 2 || (long) m * b.n() * b.k() < (1 << 20)) {
            kernel.gemmPackedTransA(m, a, aOff, lda, b, 0, b.panels(), c, cOff, ldc);
            return;
        }
        Parallel.forEach(blocks, t -> {
            int r0 = t * rows;
            kernel.gemmPackedTransA(Math.min(rows, m - r0), a, aOff + r0, lda, b, 0, b.panels(), c, cOff + r0 * ldc, ldc);
        });
    }

    /**
     * C = A * B for a packed B, split over the pool by panels (columns), as {@link #run} does for
     * few rows; then {@code after} on each block of C (may be null).
     */
    public static void runPacked(Kernel kernel, int m, float[] a, int aOff, int lda, PackedB b, float[] c, int cOff, int ldc,
                                 Epilogue after) {
        int panels = b.panels();
        int threads = Parallel.threads();
        if (m <= 0) {
            return;
        }
        if (threads == 1 || (long) m * b.n() * b.k() < (1 << 20)) {
            kernel.gemmPacked(m, a, aOff, lda, b, 0, panels, c, cOff, ldc);
            if (after != null) {
                after.apply(0, m, 0, b.n());
            }
            return;
        }
        // Several tasks per thread, claimed dynamically: a thread that loses its core for a while
        // leaves its remaining tasks to the others instead of keeping them waiting. With many rows
        // (batches of sentences, training) the panels are cut into row blocks as well, so that no
        // task is long: the caller waits for the other thread's last task at the end of every GEMM.
        int colTasks = Math.min(threads * 8, panels);
        long flops = 2L * m * b.n() * b.k();
        int rowBlocks = (int) Math.max(1, Math.min(m / 32, flops / ((long) colTasks * TASK_FLOPS)));
        Parallel.forEach(colTasks * rowBlocks, t -> {
            int rb = t / colTasks;
            int ct = t % colTasks;
            int r0 = (int) ((long) m * rb / rowBlocks) & ~7;
            int r1 = rb == rowBlocks - 1 ? m : (int) ((long) m * (rb + 1) / rowBlocks) & ~7;
            int p0 = (int) ((long) panels * ct / colTasks);
            int p1 = (int) ((long) panels * (ct + 1) / colTasks);
            kernel.gemmPacked(r1 - r0, a, aOff + r0 * lda, lda, b, p0, p1, c, cOff + r0 * ldc, ldc);
            if (after != null) {
                int c0 = p0 * PackedB.PANEL;
                after.apply(r0, r1 - r0, c0, Math.min(b.n(), p1 * PackedB.PANEL) - c0);
            }
        });
    }

    /** Runs {@code kernel} split over the pool; work below about a million multiply-adds stays on one thread. */
    public static void run(Kernel kernel, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           boolean transB, float[] c, int cOff, int ldc) {
        run(kernel, m, n, k, a, aOff, lda, b, bOff, ldb, transB, c, cOff, ldc, null);
    }

    /** As above, then {@code after} on each block of C (may be null). */
    public static void run(Kernel kernel, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           boolean transB, float[] c, int cOff, int ldc, Epilogue after) {
        int threads = Parallel.threads();
        long work = (long) m * n * k;
        if (threads == 1 || work < (1 << 20)) {
            kernel.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, transB, c, cOff, ldc);
            if (after != null) {
                after.apply(0, m, 0, n);
            }
            return;
        }
        // Each task re-reads the operand it does not split, so split the larger one: rows when A has
        // at least as many rows as op(B) has columns (and there are rows enough), else columns.
        // Four tasks per thread, as for columns: when another process or thread takes a core for a
        // while, the thread still running takes the preempted one's remaining tasks instead of
        // spinning until it comes back. The extra passes over B come from cache.
        if (m >= 8 * threads && (m >= n || n < 32 * threads)) {
            int tasks = Math.max(threads, Math.min(threads * 4, m / 32));
            Parallel.forEach(tasks, t -> {
                int r0 = (int) ((long) m * t / tasks);
                int r1 = (int) ((long) m * (t + 1) / tasks);
                kernel.gemm(r1 - r0, n, k, a, aOff + r0 * lda, lda, b, bOff, ldb, transB, c, cOff + r0 * ldc, ldc);
                if (after != null) {
                    after.apply(r0, r1 - r0, 0, n);
                }
            });
        } else {
            // Few rows (a small batch): split the columns, in multiples of 16 so vector tiles stay whole.
            // Tasks here re-read only A, which is small, so cut finer than one per thread: a worker
            // that starts late then takes fewer slices instead of leaving the caller waiting.
            int tasks = Math.max(1, Math.min(threads * 4, n / 16));
            Parallel.forEach(tasks, t -> {
                int c0 = (int) ((long) n * t / tasks) & ~15;
                int c1 = t == tasks - 1 ? n : (int) ((long) n * (t + 1) / tasks) & ~15;
                int bStart = transB ? bOff + c0 * ldb : bOff + c0;
                kernel.gemm(m, c1 - c0, k, a, aOff, lda, b, bStart, ldb, transB, c, cOff + c0, ldc);
                if (after != null) {
                    after.apply(0, m, c0, c1 - c0);
                }
            });
        }
    }
}
