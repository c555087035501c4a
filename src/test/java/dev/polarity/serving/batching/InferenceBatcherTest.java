package dev.polarity.serving.batching;

import static dev.polarity.serving.batching.InferenceBatcher.NO_DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.Engine;
import dev.polarity.model.TextEncoder.Encoded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The batcher with a stand-in forward pass that returns each text's length as its "probability". */
class InferenceBatcherTest {
    private final List<Integer> passSizes = new CopyOnWriteArrayList<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    private float[][] echoLengths(List<Encoded> texts) {
        passSizes.add(texts.size());
        threads.add(Thread.currentThread().getName());
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[] {texts.get(i).length()};
        }
        return out;
    }

    private static Encoded text(int length) {
        return new Encoded(new int[length], new int[length], false);
    }

    @Test
    void concurrentRequestsShareForwardPassesAndKeepTheirOrder() throws Exception {
        List<InferenceBatcher.PassStats> stats = new CopyOnWriteArrayList<>();
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 8, 1000, Duration.ofMillis(50), 100,
                this::echoLengths, stats::add)) {
            List<CompletableFuture<InferenceBatcher.Result>> results = new ArrayList<>();
            for (int r = 0; r < 8; r++) {
                results.add(batcher.submit(List.of(text(10 + r), text(3))));
            }
            for (int r = 0; r < 8; r++) {
                float[][] p = results.get(r).get(10, TimeUnit.SECONDS).probabilities();
                assertThat(p[0][0]).isEqualTo(10 + r);
                assertThat(p[1][0]).isEqualTo(3);
            }
        }
        assertThat(passSizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(8));
        assertThat(passSizes.size()).isLessThan(16);
        assertThat(threads).containsExactly("test-inference");
        assertThat(stats).allSatisfy(s -> assertThat(s.autogradNodes()).isZero());
        assertThat(stats).allSatisfy(s -> assertThat(s.allocatedBytes()).isGreaterThanOrEqualTo(0));
    }

    /**
     * Two consumers: while one pass is held, the other consumer runs the next one, a request's
     * texts split over both passes still come back whole and in order, a pass by itself keeps the
     * kernel pool, and close() drains both.
     */
    @Test
    void twoConsumersRunPassesSideBySide() throws Exception {
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        List<Boolean> alone = new CopyOnWriteArrayList<>();
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 2, 1000, Duration.ZERO, 100, 2, texts -> {
            alone.add(Engine.runningBesideAnother());
            if (firstHeld.getCount() == 1) {
                firstHeld.countDown();
                try {
                    assertThat(secondRan.await(10, TimeUnit.SECONDS)).as("a second pass ran beside the first").isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                secondRan.countDown();
            }
            return echoLengths(texts);
        }, s -> { })) {
            CompletableFuture<InferenceBatcher.Result> first = batcher.submit(List.of(text(4)));
            assertThat(firstHeld.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(batcher.busy()).isTrue();
            CompletableFuture<InferenceBatcher.Result> split = batcher.submit(List.of(text(7), text(8), text(9)));
            float[][] p = split.get(10, TimeUnit.SECONDS).probabilities();
            assertThat(new float[] {p[0][0], p[1][0], p[2][0]}).containsExactly(7, 8, 9);
            assertThat(first.get(10, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(4);
            // A pass by itself again: the kernel pool helps it.
            assertThat(batcher.submit(List.of(text(3))).get(10, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(3);
        }
        // The first pass began alone, the second beside it; the last one alone again.
        assertThat(alone.get(0)).isFalse();
        assertThat(alone.get(1)).isTrue();
        assertThat(alone.get(alone.size() - 1)).isFalse();
        assertThat(threads).containsExactlyInAnyOrder("test-inference", "test-inference-1");
        assertThat(passSizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
    }

    @Test
    void anIdleThreadStartsAPassAtOnceWithWhatIsThere() throws Exception {
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 8, 1000, Duration.ZERO, 100,
                this::echoLengths, s -> { })) {
            assertThat(batcher.submit(List.of(text(5))).get(10, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(5);
        }
        assertThat(passSizes).containsExactly(1);
    }

    @Test
    void passesTakeWhatArrivedDuringThePreviousPassOldestFirstSortedByLength() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        List<List<Integer>> passes = new CopyOnWriteArrayList<>();
        List<InferenceBatcher.PassStats> stats = new CopyOnWriteArrayList<>();
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 4, 1000, Duration.ZERO, 100, texts -> {
            busy.countDown();
            await(release);
            passes.add(texts.stream().map(Encoded::length).toList());
            return echoLengths(texts);
        }, stats::add)) {
            CompletableFuture<InferenceBatcher.Result> first = batcher.submit(List.of(text(1)));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<InferenceBatcher.Result> queued = batcher.submit(
                    List.of(text(120), text(3), text(9), text(4), text(2), text(8), text(5), text(7)));
            CompletableFuture<InferenceBatcher.Result> later = batcher.submit(List.of(text(6)));
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            float[][] p = queued.get(10, TimeUnit.SECONDS).probabilities();
            assertThat(p[0][0]).isEqualTo(120); // answers come back in submission order
            assertThat(p[7][0]).isEqualTo(7);
            assertThat(later.get(10, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(6);
        }
        // No pass waits to be filled: the remainder, the newest text, runs on its own.
        assertThat(passes).containsExactly(List.of(1), List.of(3, 4, 9, 120), List.of(2, 5, 7, 8), List.of(6));
        assertThat(stats.get(1).tokens()).isEqualTo(3 + 4 + 9 + 120);
    }

    @Test
    void theTokenBudgetEndsAPassButATextOverItStillRunsAlone() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        List<List<Integer>> passes = new CopyOnWriteArrayList<>();
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 8, 10, Duration.ZERO, 100, texts -> {
            busy.countDown();
            await(release);
            passes.add(texts.stream().map(Encoded::length).toList());
            return echoLengths(texts);
        }, s -> { })) {
            CompletableFuture<InferenceBatcher.Result> first = batcher.submit(List.of(text(1)));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<InferenceBatcher.Result> queued = batcher.submit(
                    List.of(text(4), text(4), text(4), text(20), text(1), text(2)));
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertThat(queued.get(10, TimeUnit.SECONDS).probabilities()).hasDimensions(6, 1);
        }
        assertThat(passes).containsExactly(List.of(1), List.of(4, 4), List.of(4), List.of(20), List.of(1, 2));
    }

    @Test
    void aBacklogRunsInPassesOfAtMostMaxBatchSize() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 4, 1000, Duration.ZERO, 100, texts -> {
            busy.countDown();
            await(release);
            return echoLengths(texts);
        }, s -> { })) {
            CompletableFuture<InferenceBatcher.Result> first = batcher.submit(List.of(text(1)));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            List<Encoded> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(text(i + 2));
            }
            CompletableFuture<InferenceBatcher.Result> backlog = batcher.submit(ten);
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertThat(backlog.get(10, TimeUnit.SECONDS).probabilities()).hasDimensions(10, 1);
        }
        assertThat(passSizes).containsExactly(1, 4, 4, 2);
    }

    @Test
    void aFullQueueRefusesWholeRequests() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 1, 1000, Duration.ZERO, 3, texts -> {
            busy.countDown();
            await(release);
            return echoLengths(texts);
        }, s -> { })) {
            CompletableFuture<InferenceBatcher.Result> running = batcher.submit(List.of(text(1)));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<InferenceBatcher.Result> queued = batcher.submit(List.of(text(2), text(2)));
            assertThat(batcher.queued()).isEqualTo(2);
            assertThatThrownBy(() -> batcher.submit(List.of(text(3), text(3)))).isInstanceOf(QueueFullException.class);
            assertThat(batcher.queued()).isEqualTo(2);
            release.countDown();
            assertThat(running.get(10, TimeUnit.SECONDS).probabilities()).hasDimensions(1, 1);
            assertThat(queued.get(10, TimeUnit.SECONDS).probabilities()).hasDimensions(2, 1);
        }
    }

    @Test
    void admissionClaimsSlotsBeforeTheTextsExistAndGivesBackWhatIsNotUsed() throws Exception {
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 4, 1000, Duration.ZERO, 3,
                this::echoLengths, s -> { })) {
            try (Admission admission = batcher.admit(3)) {
                assertThat(batcher.queued()).isEqualTo(3);
                assertThat(batcher.hasRoom()).isFalse();
                assertThatThrownBy(() -> batcher.admit(1)).isInstanceOf(QueueFullException.class);
                // Fewer texts than claimed (the caller's work found fewer): the rest go back at once.
                assertThat(batcher.submit(admission, List.of(text(2)), NO_DEADLINE).get(10, TimeUnit.SECONDS).probabilities())
                        .hasDimensions(1, 1);
            }
            assertThat(batcher.queued()).isZero();
            try (Admission refused = batcher.admit(2)) {
                // Tokenizing failed, say: closing gives the slots back without queueing anything.
                assertThat(batcher.queued()).isEqualTo(2);
            }
            assertThat(batcher.queued()).isZero();
            assertThat(batcher.hasRoom()).isTrue();
            try (Admission small = batcher.admit(1)) {
                // More texts than claimed (a long text in windows) claim the difference, all or none.
                assertThatThrownBy(() -> batcher.submit(small, List.of(text(1), text(1), text(1), text(1)), NO_DEADLINE))
                        .isInstanceOf(QueueFullException.class);
                assertThat(batcher.submit(small, List.of(text(1), text(2), text(3)), NO_DEADLINE).get(10, TimeUnit.SECONDS)
                        .probabilities()).hasDimensions(3, 1);
            }
            assertThat(batcher.queued()).isZero();
        }
    }

    @Test
    void textsWhoseDeadlinePassedInTheQueueAreDroppedUncomputed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        List<List<Integer>> passes = new CopyOnWriteArrayList<>();
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 4, 1000, Duration.ZERO, 100, texts -> {
            busy.countDown();
            await(release);
            passes.add(texts.stream().map(Encoded::length).toList());
            return echoLengths(texts);
        }, s -> { })) {
            CompletableFuture<InferenceBatcher.Result> first = batcher.submit(List.of(text(1)));
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<InferenceBatcher.Result> late;
            try (Admission admission = batcher.admit(6)) {
                // Already past: whatever the clock does, it is past when the thread looks.
                late = batcher.submit(admission, List.of(text(2), text(3), text(4), text(5), text(6), text(7)),
                        System.nanoTime() - 1);
            }
            CompletableFuture<InferenceBatcher.Result> patient;
            try (Admission admission = batcher.admit(1)) {
                patient = batcher.submit(admission, List.of(text(9)), System.nanoTime() + TimeUnit.MINUTES.toNanos(10));
            }
            release.countDown();
            assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DeadlineExceededException.class);
            assertThat(patient.get(10, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(9);
            first.get(10, TimeUnit.SECONDS);
            assertThat(batcher.queued()).isZero();
        }
        assertThat(passes).containsExactly(List.of(1), List.of(9));
    }

    @Test
    void closeFinishesQueuedWorkThenRefusesMore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InferenceBatcher batcher = new InferenceBatcher("test-inference", 2, 1000, Duration.ZERO, 100, texts -> {
            await(release);
            return echoLengths(texts);
        }, s -> { });
        List<CompletableFuture<InferenceBatcher.Result>> results = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            results.add(batcher.submit(List.of(text(r + 1))));
        }
        Thread closer = new Thread(batcher::close);
        closer.start();
        while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
            Thread.onSpinWait();
        }
        assertThatThrownBy(() -> batcher.submit(List.of(text(1)))).isInstanceOf(BatcherClosedException.class);
        assertThatThrownBy(() -> batcher.admit(1)).isInstanceOf(BatcherClosedException.class);
        release.countDown();
        closer.join(10_000);
        for (int r = 0; r < 5; r++) {
            assertThat(results.get(r).get(1, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(r + 1);
        }
    }

    @Test
    void aFailingPassFailsOnlyItsOwnRequests() throws Exception {
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 1, 1000, Duration.ZERO, 100, texts -> {
            if (texts.get(0).length() == 13) {
                throw new IllegalStateException("boom");
            }
            return echoLengths(texts);
        }, s -> { })) {
            CompletableFuture<InferenceBatcher.Result> bad = batcher.submit(List.of(text(13)));
            CompletableFuture<InferenceBatcher.Result> good = batcher.submit(List.of(text(4)));
            assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("boom");
            assertThat(good.get(10, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(4);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Idle and empty: the caller runs its own pass, its future already complete, nothing queued behind. */
    @Test
    void anIdleBatcherRunsTheCallersPassOnTheCallersThread() throws Exception {
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 4, 1000, Duration.ZERO, 100, 1, true,
                this::echoLengths, s -> { })) {
            CompletableFuture<InferenceBatcher.Result> r = batcher.submit(List.of(text(5), text(2)));
            assertThat(r).isDone();
            assertThat(r.get().probabilities()[0][0]).isEqualTo(5);
            assertThat(r.get().probabilities()[1][0]).isEqualTo(2);
            assertThat(batcher.queued()).isZero();
            assertThat(batcher.busy()).isFalse();
        }
        assertThat(threads).containsExactly(Thread.currentThread().getName());
    }

    /**
     * While a caller's pass runs, other requests queue and the inference thread takes them, as one
     * batch, once that pass ends: never two passes at once. More texts than one pass allows, a
     * maxWait, or two consumers go to the inference thread as before.
     */
    @Test
    void requestsDuringACallersPassQueueForTheInferenceThread() throws Exception {
        CountDownLatch inPass = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger concurrent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        InferenceBatcher.ForwardPass pass = texts -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                if (texts.get(0).length() == 7) {
                    inPass.countDown();
                    release.await(10, TimeUnit.SECONDS);
                }
                return echoLengths(texts);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                concurrent.decrementAndGet();
            }
        };
        try (InferenceBatcher batcher = new InferenceBatcher("test-inference", 4, 1000, Duration.ZERO, 100, 1, true,
                pass, s -> { })) {
            CompletableFuture<CompletableFuture<InferenceBatcher.Result>> first =
                    CompletableFuture.supplyAsync(() -> batcher.submit(List.of(text(7))));
            assertThat(inPass.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<InferenceBatcher.Result>> queued = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                queued.add(batcher.submit(List.of(text(10 + r))));
            }
            assertThat(queued).noneMatch(CompletableFuture::isDone);
            assertThat(batcher.queued()).isEqualTo(3);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(7);
            for (int r = 0; r < 3; r++) {
                assertThat(queued.get(r).get(10, TimeUnit.SECONDS).probabilities()[0][0]).isEqualTo(10 + r);
            }
            assertThat(passSizes).containsExactly(1, 3);
            assertThat(threads).contains("test-inference");
            assertThat(most.get()).isEqualTo(1);

            threads.clear();
            batcher.submit(List.of(text(1), text(1), text(1), text(1), text(1))).get(10, TimeUnit.SECONDS);
            assertThat(threads).containsExactly("test-inference");
        }
        for (InferenceBatcher other : List.of(
                new InferenceBatcher("test-waits", 4, 1000, Duration.ofMillis(1), 100, 1, true, this::echoLengths, s -> { }),
                new InferenceBatcher("test-two", 4, 1000, Duration.ZERO, 100, 2, true, this::echoLengths, s -> { }))) {
            try (other) {
                threads.clear();
                other.submit(List.of(text(3))).get(10, TimeUnit.SECONDS);
                assertThat(threads).noneMatch(t -> t.equals(Thread.currentThread().getName()));
            }
        }
    }
}
