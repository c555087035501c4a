package dev.polarity.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The engine's own workers for data-parallel kernels, sized to the cores (or as Engine.configure says).
 * Kept apart from the common pool so a server's other work never competes inside a kernel.
 *
 * <p>A forward pass at batch 1 is a chain of short kernels (0.1 to 0.5 ms each), so what costs is
 * handing work over, not the work: a parked thread takes tens of microseconds to wake, which is
 * the whole gain of a second core on such a kernel. So the caller runs tasks itself next to
 * {@code threads - 1} workers that spin for a short while after each job before they park, and
 * tasks are claimed from a shared counter (no queues, no allocation beyond one small job).
 * One job runs at a time; a caller that finds the workers busy runs its tasks alone.
 */
public final class Parallel {
    /** How long an idle worker spins before it parks: covers the gaps between kernels of one pass. */
    private static final long SPIN_NANOS = 200_000;

    /** How often a deferring thread looks again whether the work it defers to is done. */
    private static final long DEFER_POLL_NANOS = 50_000;

    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static volatile Pool pool;
    private static final ThreadLocal<Deference> DEFERENCE = new ThreadLocal<>();
    /** Threads inside {@link #sideBySide} now, and whether this thread is one of them. */
    private static final AtomicInteger SIDE_BY_SIDE = new AtomicInteger();
    private static final ThreadLocal<Boolean> BESIDE = ThreadLocal.withInitial(() -> false);

    private record Deference(BooleanSupplier busy, long maxWaitNanos) {}

    private Parallel() {}

    public static int threads() {
        return threads;
    }

    /** Changes the worker count for later calls (benchmarks compare 1 and 2 threads). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        threads = n;
        Pool old = pool;
        pool = null;
        if (old != null) {
            old.stop();
        }
    }

    private static Pool pool() {
        Pool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) {
                    pool = new Pool(threads - 1);
                }
                p = pool;
            }
        }
        return p;
    }

    /**
     * Runs {@code work} on this thread as background work: before each parallel kernel it waits,
     * parked, while {@code busy} says more urgent work wants the cores, at most {@code maxWaitNanos}
     * at a time, so background work is slowed but never starved. Kernels are short (well under a
     * millisecond at serving sizes), so urgent work waits at most about one kernel.
     */
    public static <T> T deferring(BooleanSupplier busy, long maxWaitNanos, Supplier<T> work) {
        Deference outer = DEFERENCE.get();
        DEFERENCE.set(new Deference(busy, maxWaitNanos));
        try {
            return work.get();
        } finally {
            DEFERENCE.set(outer);
        }
    }

    /**
     * Runs {@code work} on this thread as one of several threads that run whole jobs side by side
     * (a server's consumers, each with its own forward passes). While another such thread is
     * inside its own {@code sideBySide}, this thread's kernels run on it alone, checked at every
     * kernel: the pool helps only a lone caller. Passes side by side then share no barriers, so a
     * thread that loses its core delays its own pass instead of leaving the other spinning.
     */
    public static <T> T sideBySide(Supplier<T> work) {
        if (BESIDE.get()) {
            return work.get();
        }
        BESIDE.set(true);
        SIDE_BY_SIDE.incrementAndGet();
        try {
            return work.get();
        } finally {
            SIDE_BY_SIDE.decrementAndGet();
            BESIDE.set(false);
        }
    }

    /** Whether this thread's kernels run on it alone now, because another pass runs beside it. */
    public static boolean alone() {
        return SIDE_BY_SIDE.get() > 1 && BESIDE.get();
    }

    private static void deferIfAsked() {
        Deference d = DEFERENCE.get();
        if (d == null || !d.busy().getAsBoolean()) {
            return;
        }
        long deadline = System.nanoTime() + d.maxWaitNanos();
        while (d.busy().getAsBoolean() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(DEFER_POLL_NANOS);
        }
    }

    /**
     * Runs {@code body(i)} for i in [0, n), in parallel when there is more than one task and thread.
     * The first exception thrown by a task is rethrown here once every task has finished.
     */
    public static void forEach(int n, IntConsumer body) {
        deferIfAsked();
        if (n <= 1 || threads == 1 || Thread.currentThread() instanceof Worker || alone() || !pool().tryRun(n, body)) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
        }
    }

    /** A contiguous range of rows: what a row-wise task works on. */
    @FunctionalInterface
    public interface RowRange {
        void run(int row0, int rows);
    }

    /**
     * Splits {@code rows} into ranges of at least {@code minRows} and runs them over the pool,
     * several per thread (see {@link Gemm#run}); few rows stay on the calling thread.
     */
    public static void forRows(int rows, int minRows, RowRange body) {
        deferIfAsked();
        int tasks = Math.min(threads * 4, rows / Math.max(1, minRows));
        if (tasks <= 1) {
            body.run(0, rows);
            return;
        }
        forEach(tasks, t -> {
            int r0 = (int) ((long) rows * t / tasks);
            int r1 = (int) ((long) rows * (t + 1) / tasks);
            body.run(r0, r1 - r0);
        });
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T rethrow(Throwable t) throws T {
        throw (T) t;
    }

    /** One call of forEach: tasks are claimed by index until none are left. */
    private static final class Job {
        final int n;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        Job(int n, IntConsumer body) {
            this.n = n;
            this.body = body;
        }

        void work() {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    error.compareAndSet(null, t); // the first one wins
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private static final class Pool {
        // Not a ReentrantLock: a task that calls forEach from the caller's thread must find the pool busy too.
        private final AtomicBoolean busy = new AtomicBoolean();
        private final Worker[] workers;
        private volatile Job job;
        private volatile long generation;
        private volatile boolean stopped;

        Pool(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker(this, i);
                workers[i].start();
            }
        }

        boolean tryRun(int n, IntConsumer body) {
            if (workers.length == 0 || !busy.compareAndSet(false, true)) {
                return false;
            }
            try {
                Job j = new Job(n, body);
                job = j;
                generation++; // only ever written while holding busy
                for (Worker w : workers) {
                    if (w.parked) {
                        LockSupport.unpark(w);
                    }
                }
                j.work();
                while (j.done.get() < n) {
                    Thread.onSpinWait();
                }
                job = null;
                Throwable t = j.error.get();
                if (t != null) {
                    // As is, as the serial loop would: also a checked exception thrown sneakily.
                    throw Parallel.<RuntimeException>rethrow(t);
                }
                return true;
            } finally {
                busy.set(false);
            }
        }

        void stop() {
            stopped = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        volatile boolean parked;

        Worker(Pool pool, int index) {
            super("polarity-kernel-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = pool.generation;
            while (!pool.stopped) {
                long g = pool.generation;
                if (g != seen) {
                    seen = g;
                    Job j = pool.job;
                    if (j != null) {
                        j.work();
                    }
                    continue;
                }
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (pool.generation == seen && !pool.stopped && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                }
                if (pool.generation == seen && !pool.stopped) {
                    // Publish "parked" before the last look, so a job posted in between either is seen here or unparks us.
                    parked = true;
                    if (pool.generation == seen && !pool.stopped) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        }
    }
}
