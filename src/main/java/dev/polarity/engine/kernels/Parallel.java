package dev.polarity.engine.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The engine's own pool for data-parallel kernels, sized to the cores (or -Dpolarity.threads).
 * Kept apart from the common pool so a server's other work never competes inside a kernel.
 */
public final class Parallel {
    private static volatile int threads = Integer.getInteger("polarity.threads", Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool;

    private Parallel() {}

    public static int threads() {
        return threads;
    }

    /** Changes the pool size for later calls (benchmarks compare 1 and 2 threads). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        threads = n;
        ForkJoinPool old = pool;
        pool = null;
        if (old != null) {
            old.shutdown();
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) {
                    pool = new ForkJoinPool(threads, fjp -> {
                        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
                        t.setName("polarity-kernel-" + t.getPoolIndex());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                }
                p = pool;
            }
        }
        return p;
    }

    /** Runs {@code body(i)} for i in [0, n), in parallel when there is more than one task and thread. */
    public static void forEach(int n, IntConsumer body) {
        if (n <= 1 || threads == 1 || Thread.currentThread() instanceof ForkJoinWorkerThread) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        pool().invoke(new Range(0, n, body));
    }

    private static final class Range extends RecursiveAction {
        private final int from;
        private final int to;
        private final IntConsumer body;

        Range(int from, int to, IntConsumer body) {
            this.from = from;
            this.to = to;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                body.accept(from);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Range(from, mid, body), new Range(mid, to, body));
        }
    }
}
