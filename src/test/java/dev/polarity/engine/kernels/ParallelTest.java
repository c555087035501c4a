package dev.polarity.engine.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kernel worker pool: every index runs exactly once (also across many jobs, and after workers
 * park), work really reaches a worker, failures reach the caller without breaking the pool, nested
 * and concurrent callers fall back to serial work correctly, and the pool can be resized.
 * The timeouts only stop a hang; nothing here asserts how long anything takes.
 */
@Timeout(60)
class ParallelTest {
    private static final String WORKER = "polarity-kernel-";

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {0, 1, 2, 3, 100, 10000})
    void everyIndexRunsExactlyOnce(int n) throws Exception {
        for (int threads : new int[] {2, 3}) {
            withThreads(threads, () -> {
                for (int rep = 0; rep < 50; rep++) {
                    runOnceEach(n);
                }
            });
        }
    }

    @Test
    void manyShortJobsInARow() throws Exception {
        withThreads(2, () -> {
            for (int rep = 0; rep < 20_000; rep++) {
                runOnceEach(2 + rep % 7);
            }
        });
    }

    /** Pauses longer than the workers' spin, so they park between jobs and must be woken. */
    @Test
    void jobsSeparatedByPauses() throws Exception {
        withThreads(2, () -> {
            for (int rep = 0; rep < 200; rep++) {
                runOnceEach(64);
                Thread.sleep(1);
            }
        });
    }

    @Test
    void workReachesASecondThreadAlsoAfterItParked() throws Exception {
        withThreads(2, () -> {
            assertThat(findWorker()).as("a task ran on a worker").isNotNull();
            for (int round = 0; round < 5; round++) {
                Thread.sleep(5); // the worker parks
                assertThat(findWorker()).as("a task ran on a woken worker, round %d", round).isNotNull();
            }
        });
    }

    /**
     * Workers' tasks that take long (as when a worker loses its core): the caller returns only
     * after the last of them, and sees what they wrote.
     */
    @Test
    void callerWaitsForAWorkersLongTaskAndSeesItsWrites() throws Exception {
        withThreads(2, () -> {
            Thread caller = Thread.currentThread();
            for (int rep = 0; rep < 50; rep++) {
                long[] written = new long[64];
                AtomicIntegerArray counts = new AtomicIntegerArray(written.length);
                Parallel.forEach(written.length, i -> {
                    counts.incrementAndGet(i);
                    if (Thread.currentThread() != caller && i % 16 == 0) {
                        sleepQuietly(2);
                    }
                    written[i] = i + 1;
                });
                assertAllOnce(counts);
                for (int i = 0; i < written.length; i++) {
                    assertThat(written[i]).as("task %d's write, repetition %d", i, rep).isEqualTo(i + 1);
                }
            }
        });
    }

    @Test
    void exceptionReachesCallerAfterAllTasksAndPoolStillWorks() throws Exception {
        withThreads(2, () -> {
            for (int rep = 0; rep < 50; rep++) {
                int n = 100;
                int bad = rep % 3 == 0 ? 0 : rep % 3 == 1 ? n - 1 : rep;
                RuntimeException boom = new IllegalStateException("task " + bad);
                AtomicIntegerArray counts = new AtomicIntegerArray(n);
                assertThatThrownBy(() -> Parallel.forEach(n, i -> {
                    counts.incrementAndGet(i);
                    if (i == bad) {
                        throw boom;
                    }
                })).isSameAs(boom);
                assertAllOnce(counts);
                runOnceEach(1000);
            }
        });
    }

    @Test
    void errorReachesCallerAndPoolStillWorks() throws Exception {
        withThreads(2, () -> {
            for (int rep = 0; rep < 50; rep++) {
                int bad = 63 - rep % 64;
                Error error = new AssertionError("task " + bad);
                assertThatThrownBy(() -> Parallel.forEach(64, i -> {
                    if (i == bad) {
                        throw error;
                    }
                })).isSameAs(error);
                runOnceEach(1000);
            }
        });
    }

    /** A checked exception thrown sneakily (no compiler stops that) is not lost either. */
    @Test
    void sneakyCheckedExceptionReachesCaller() throws Exception {
        for (int threads : new int[] {1, 2}) {
            withThreads(threads, () -> {
                for (int rep = 0; rep < 20; rep++) {
                    Exception checked = new IOException("task 50");
                    assertThatThrownBy(() -> Parallel.forEach(100, i -> {
                        if (i == 50) {
                            sneakyThrow(checked);
                        }
                    })).isSameAs(checked);
                }
            });
        }
    }

    /**
     * Two threads side by side run their kernels on themselves only, every index once; one that
     * is alone again may use the pool, and leaving restores the count even after a failure.
     */
    @Test
    void sideBySideCallersRunAlone() throws Exception {
        withThreads(2, () -> {
            CyclicBarrier bothInside = new CyclicBarrier(2);
            CyclicBarrier bothDone = new CyclicBarrier(2);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> callers = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                callers.add(new Thread(() -> {
                    try {
                        Parallel.sideBySide(() -> {
                            try {
                                bothInside.await();
                                assertThat(Parallel.alone()).isTrue();
                                for (int rep = 0; rep < 200; rep++) {
                                    AtomicIntegerArray counts = new AtomicIntegerArray(64);
                                    Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
                                    Parallel.forEach(64, i -> {
                                        counts.incrementAndGet(i);
                                        ranOn.add(Thread.currentThread());
                                    });
                                    assertAllOnce(counts);
                                    assertThat(ranOn).containsExactly(Thread.currentThread());
                                }
                                bothDone.await();
                            } catch (Exception e) {
                                sneakyThrow(e);
                            }
                            return null;
                        });
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            callers.forEach(Thread::start);
            for (Thread t : callers) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(Parallel.alone()).isFalse();
            assertThatThrownBy(() -> Parallel.sideBySide(() -> {
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            // Alone again: inside sideBySide the pool helps as before.
            Parallel.sideBySide(() -> {
                assertThat(Parallel.alone()).isFalse();
                runOnceEach(1000);
                return null;
            });
        });
    }

    /** Inner calls complete and cover every index; inside a worker they stay on that worker. */
    @Test
    void nestedForEachCompletes() throws Exception {
        for (int threads : new int[] {2, 3}) {
            withThreads(threads, () -> {
                for (int rep = 0; rep < 100; rep++) {
                    int outer = 16;
                    int inner = 64;
                    AtomicIntegerArray counts = new AtomicIntegerArray(outer * inner);
                    AtomicReferenceArray<Thread> ranOn = new AtomicReferenceArray<>(outer * inner);
                    AtomicReferenceArray<Thread> outerOn = new AtomicReferenceArray<>(outer);
                    Parallel.forEach(outer, i -> {
                        outerOn.set(i, Thread.currentThread());
                        Parallel.forEach(inner, j -> {
                            counts.incrementAndGet(i * inner + j);
                            ranOn.set(i * inner + j, Thread.currentThread());
                        });
                    });
                    assertAllOnce(counts);
                    for (int i = 0; i < outer; i++) {
                        if (outerOn.get(i).getName().startsWith(WORKER)) {
                            for (int j = 0; j < inner; j++) {
                                assertThat(ranOn.get(i * inner + j)).as("inner task of a worker's task").isSameAs(outerOn.get(i));
                            }
                        }
                    }
                }
            });
        }
    }

    /** Four callers at once: one gets the pool, the others find it busy and run alone; all are complete. */
    @Test
    void concurrentCallersAllGetCompleteResults() throws Exception {
        withThreads(2, () -> {
            int callers = 4;
            CyclicBarrier start = new CyclicBarrier(callers);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int rep = 0; rep < 300; rep++) {
                            runOnceEach(200 + 50 * caller + rep % 13);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "caller-" + c);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
        });
    }

    @Test
    void oneThreadRunsEverythingOnTheCaller() throws Exception {
        withThreads(1, () -> {
            Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
            AtomicIntegerArray counts = new AtomicIntegerArray(1000);
            Parallel.forEach(1000, i -> {
                ranOn.add(Thread.currentThread());
                counts.incrementAndGet(i);
            });
            assertAllOnce(counts);
            assertThat(ranOn).containsExactly(Thread.currentThread());
            RuntimeException boom = new IllegalStateException();
            assertThatThrownBy(() -> Parallel.forEach(10, i -> {
                throw boom;
            })).isSameAs(boom);
        });
    }

    @Test
    void setThreadsRejectsLessThanOne() {
        int before = Parallel.threads();
        assertThatThrownBy(() -> Parallel.setThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Parallel.setThreads(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Parallel.threads()).isEqualTo(before);
    }

    /** setThreads replaces the pool: the old workers end, the new pool works. */
    @Test
    void replacedPoolStopsItsWorkers() throws Exception {
        withThreads(2, () -> {
            Thread worker = findWorker();
            assertThat(worker).isNotNull();
            Parallel.setThreads(3);
            assertThat(Parallel.threads()).isEqualTo(3);
            worker.join(); // a worker of the old pool that never ends fails by the class timeout
            runOnceEach(1000);
        });
    }

    // ---- helpers ----

    private interface Body {
        void run() throws Exception;
    }

    /** Runs body with the pool set to {@code threads}, restoring the previous size afterwards. */
    private static void withThreads(int threads, Body body) throws Exception {
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            assertThat(Parallel.threads()).isEqualTo(threads);
            body.run();
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static void runOnceEach(int n) {
        AtomicIntegerArray counts = new AtomicIntegerArray(n);
        IntConsumer body = counts::incrementAndGet;
        Parallel.forEach(n, body);
        assertAllOnce(counts);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void assertAllOnce(AtomicIntegerArray counts) {
        for (int i = 0; i < counts.length(); i++) {
            assertThat(counts.get(i)).as("runs of index %d of %d", i, counts.length()).isEqualTo(1);
        }
    }

    /**
     * Runs jobs of tasks that each spin about a millisecond until one task ran on a worker thread, and
     * returns that thread (null if none did in 2,000 jobs). Each job then lasts long enough for a
     * worker that was woken to claim a task before the caller has claimed them all.
     */
    private static Thread findWorker() {
        AtomicReference<Thread> seen = new AtomicReference<>();
        for (int job = 0; job < 2000 && seen.get() == null; job++) {
            Parallel.forEach(4, i -> {
                Thread t = Thread.currentThread();
                if (t.getName().startsWith(WORKER)) {
                    seen.compareAndSet(null, t);
                }
                long end = System.nanoTime() + 1_000_000;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            });
        }
        return seen.get();
    }
}
