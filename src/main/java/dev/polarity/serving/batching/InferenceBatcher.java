package dev.polarity.serving.batching;

import dev.polarity.engine.autograd.GraphStats;
import dev.polarity.engine.Engine;
import dev.polarity.model.TextEncoder.Encoded;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inference thread behind a bounded queue of texts, batching continuously (as
 * text-embeddings-inference does): when the thread is idle, a request's pass starts at once;
 * while a pass runs, new texts queue up and the next pass takes them, oldest first, up to
 * {@code maxBatchSize} texts and {@code maxBatchTokens} tokens. Waiting for partners only pays
 * when passes would otherwise be short, which is when the thread is idle, when waiting costs the
 * request its whole latency: so {@code maxWait} is an optional knob, 0 by default. The token
 * budget keeps one pass's time bounded, so a few long texts do not stall the short ones queued
 * behind them; a text over the budget still runs, alone. A pass is sorted by length, which
 * keeps padding small for the module path (-Dpolarity.fastpath=false); the serving fast path
 * packs real tokens and pays nothing for padding. One consumer is the default: the GEMMs inside
 * a pass already use every core through the engine's kernel pool. With more, each runs its own
 * passes inside {@link Engine#sideBySide}: a pass alone still gets the pool, passes side by side
 * run on their own threads, without barriers between them. Grad mode and the allocation and
 * graph-node counts are per thread, so each pass still measures its own.
 *
 * <p>Admission comes before work: a request claims its queue slots ({@link #admit}) before it is
 * tokenized, so under overload a refused request costs a compare-and-set, not a tokenization.
 * Each request carries a deadline: a text whose deadline has passed when a pass would take it is
 * dropped uncomputed and its request fails with {@link DeadlineExceededException}, so a backlog
 * spends the cores on requests whose clients are still waiting.
 *
 * <p>Optionally, with one consumer and no {@code maxWait}, the caller runs the pass itself when
 * the inference thread is idle and the queue empty: a lone request then skips two thread
 * hand-offs (to the inference thread and back), each a wake-up on a machine where the pass has
 * just evicted the caches. Requests that arrive during such a pass queue up as usual, and the
 * inference thread takes them when it ends: one pass at a time either way.
 */
public final class InferenceBatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InferenceBatcher.class);
    /** A deadline that never passes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final com.sun.management.ThreadMXBean THREADS =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported() ? t : null;

    /** Runs one forward pass; called only on the inference thread. Returns probabilities per text. */
    @FunctionalInterface
    public interface ForwardPass {
        float[][] run(List<Encoded> texts);
    }

    /** What one forward pass cost. {@code allocatedBytes} is -1 where the JVM cannot measure it. */
    public record PassStats(int texts, int tokens, long nanos, long allocatedBytes, long autogradNodes) {}

    /** A request's answer: probabilities in submission order, and where its time went. */
    public record Result(float[][] probabilities, long queueNanos, long inferenceNanos) {}

    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final long maxWaitNanos;
    private final ForwardPass forward;
    private final Consumer<PassStats> observer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Condition passEnded = lock.newCondition();
    private final ArrayDeque<Job.Item> queue = new ArrayDeque<>();
    private final Thread[] workers;
    private final boolean callerRuns;
    /** A pass is running, on the inference thread or a caller's (one consumer only); under the lock. */
    private boolean passing;
    /** Texts admitted and not yet taken by the inference thread: claimed slots plus queued texts. */
    private final QueueSlots slots;
    private volatile boolean closed;
    /** Passes running now: with admitted texts, what {@link #busy()} reports to background work. */
    private final AtomicInteger running = new AtomicInteger();

    public InferenceBatcher(String threadName, int maxBatchSize, int maxBatchTokens, Duration maxWait, int capacity,
                            ForwardPass forward, Consumer<PassStats> observer) {
        this(threadName, maxBatchSize, maxBatchTokens, maxWait, capacity, 1, forward, observer);
    }

    /** With {@code consumers} inference threads, named {@code threadName}, then {@code threadName-1} and on. */
    public InferenceBatcher(String threadName, int maxBatchSize, int maxBatchTokens, Duration maxWait, int capacity,
                            int consumers, ForwardPass forward, Consumer<PassStats> observer) {
        this(threadName, maxBatchSize, maxBatchTokens, maxWait, capacity, consumers, false, forward, observer);
    }

    /**
     * With {@code callerRunsWhenIdle}, a request that finds one idle consumer and an empty queue runs
     * its pass on the calling thread (ignored with more consumers or a {@code maxWait}).
     */
    public InferenceBatcher(String threadName, int maxBatchSize, int maxBatchTokens, Duration maxWait, int capacity,
                            int consumers, boolean callerRunsWhenIdle, ForwardPass forward, Consumer<PassStats> observer) {
        if (maxBatchSize < 1 || maxBatchTokens < 1 || capacity < 1 || consumers < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("InferenceBatcher: maxBatchSize, maxBatchTokens, capacity and consumers"
                    + " must be positive, maxWait not negative");
        }
        this.maxBatchSize = maxBatchSize;
        this.maxBatchTokens = maxBatchTokens;
        this.maxWaitNanos = maxWait.toNanos();
        this.slots = new QueueSlots(capacity);
        this.forward = forward;
        this.observer = observer;
        this.callerRuns = callerRunsWhenIdle && consumers == 1 && maxWait.isZero();
        workers = new Thread[consumers];
        for (int i = 0; i < consumers; i++) {
            workers[i] = new Thread(this::loop, i == 0 ? threadName : threadName + "-" + i);
            // Daemon so a forgotten close() cannot keep the JVM alive; close() itself waits for the drain.
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    /**
     * Claims queue slots for {@code texts} texts, all or none, before the caller spends anything
     * on them; {@link #submit(Admission, List, long)} fills them, {@link Admission#close()} gives back
     * what was not used.
     *
     * @throws QueueFullException     when they do not fit in the queue now
     * @throws BatcherClosedException after {@link #close()}
     */
    public Admission admit(int texts) {
        if (closed) {
            throw new BatcherClosedException();
        }
        slots.claim(texts);
        return new Admission(slots, texts);
    }

    /** Whether one more text would be admitted now: a cheap look for refusing before a body is read. */
    public boolean hasRoom() {
        return !closed && slots.hasRoom();
    }

    /**
     * Queues all of a request's texts in the slots {@code admission} claimed; more texts than
     * claimed (a long text split into windows) claim the difference, all or none. The future fails
     * with {@link DeadlineExceededException} if a text is still queued at {@code deadline}
     * ({@link System#nanoTime()} scale).
     *
     * @throws QueueFullException     when the extra texts do not fit
     * @throws BatcherClosedException after {@link #close()}
     */
    public CompletableFuture<Result> submit(Admission admission, List<Encoded> texts, long deadline) {
        admission.resize(texts.size());
        if (texts.isEmpty()) {
            return CompletableFuture.completedFuture(new Result(new float[0][], 0, 0));
        }
        Job job = new Job(texts, deadline);
        List<Job.Item> items = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            items.add(new Job.Item(job, i));
        }
        boolean here;
        lock.lock();
        try {
            if (closed) {
                throw new BatcherClosedException();
            }
            here = callerRuns && !passing && queue.isEmpty() && onePass(texts) && !job.expired(System.nanoTime());
            if (here) {
                passing = true;
                slots.release(texts.size()); // taken at once, as the inference thread releases what it takes
            } else {
                queue.addAll(items);
                arrived.signal();
            }
            admission.handOver(); // the queued items (or the pass below) own the slots now
        } finally {
            lock.unlock();
        }
        if (here) {
            try {
                runSorted(items);
            } finally {
                passDone();
            }
        }
        return job.future;
    }

    /** Whether these texts make one pass within the limits the inference thread keeps to. */
    private boolean onePass(List<Encoded> texts) {
        if (texts.size() > maxBatchSize) {
            return false;
        }
        int tokens = 0;
        for (Encoded t : texts) {
            tokens += t.length();
        }
        return texts.size() == 1 || tokens <= maxBatchTokens;
    }

    private void passDone() {
        lock.lock();
        try {
            passing = false;
            passEnded.signalAll();
            if (!queue.isEmpty()) {
                arrived.signal(); // what queued behind the caller's pass
            }
        } finally {
            lock.unlock();
        }
    }

    /** Admits and queues in one step, without a deadline (warm-up, tests). */
    public CompletableFuture<Result> submit(List<Encoded> texts) {
        try (Admission admission = admit(texts.size())) {
            return submit(admission, texts, NO_DEADLINE);
        }
    }

    /** Whether the inference thread has work: a pass running, or texts admitted and not yet taken. */
    public boolean busy() {
        return running.get() > 0 || slots.claimed() > 0;
    }

    /** Texts admitted and not yet taken by the inference thread. */
    public int queued() {
        return slots.claimed();
    }

    /** Stops taking work, lets the inference thread finish everything already queued, waits up to 30 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration drainTimeout) {
        lock.lock();
        try {
            closed = true; // under the lock, so no submit() queues behind the drain's back
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        long until = System.nanoTime() + drainTimeout.toNanos();
        try {
            for (Thread worker : workers) {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Anything the thread could not reach in time fails instead of leaving its caller waiting.
        List<Job.Item> left = new ArrayList<>();
        lock.lock();
        try {
            // A caller's pass still running: the model must outlive it.
            while (passing && System.nanoTime() - until < 0) {
                try {
                    passEnded.awaitNanos(until - System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            left.addAll(queue);
            queue.clear();
            slots.release(left.size());
        } finally {
            lock.unlock();
        }
        left.forEach(item -> item.job().future.completeExceptionally(new BatcherClosedException()));
    }

    private void loop() {
        List<Job.Item> pass;
        while ((pass = nextPass()) != null) {
            try {
                runSorted(pass);
            } finally {
                if (callerRuns) {
                    passDone();
                }
            }
        }
    }

    private void runSorted(List<Job.Item> pass) {
        try {
            pass.sort(Comparator.comparingInt(Job.Item::length));
            runPass(pass);
        } catch (Throwable t) {
            log.error("inference pass: unexpected failure; its requests fail, the thread goes on", t);
            pass.forEach(item -> item.job().future.completeExceptionally(t));
        }
    }

    /** Blocks for work; returns null once closed and drained. */
    private List<Job.Item> nextPass() {
        List<Job> expired = new ArrayList<>();
        try {
            lock.lock();
            try {
                return takePass(expired);
            } finally {
                lock.unlock();
            }
        } finally {
            // Outside the lock: completing a future may run its caller's code.
            expired.forEach(job -> job.future.completeExceptionally(new DeadlineExceededException()));
        }
    }

    private List<Job.Item> takePass(List<Job> expired) {
        List<Job.Item> pass = new ArrayList<>();
        while (pass.isEmpty()) {
            while (queue.isEmpty() || passing) {
                if (closed && queue.isEmpty()) {
                    return null;
                }
                arrived.awaitUninterruptibly();
            }
            if (maxWaitNanos > 0) {
                long deadline = System.nanoTime() + maxWaitNanos;
                while (queue.size() < maxBatchSize && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !awaitArrival(left)) {
                        break;
                    }
                }
            }
            long now = System.nanoTime();
            int tokens = 0;
            int taken = 0;
            while (!queue.isEmpty() && pass.size() < maxBatchSize) {
                Job.Item next = queue.peek();
                if (next.job().failed || next.job().expired(now)) {
                    queue.poll();
                    taken++;
                    if (!next.job().failed) {
                        next.job().failed = true; // its other texts are dropped as they come up
                        expired.add(next.job());
                    }
                    continue;
                }
                // Oldest first, so no text is overtaken indefinitely; the first text always goes.
                if (!pass.isEmpty() && tokens + next.length() > maxBatchTokens) {
                    break;
                }
                pass.add(queue.poll());
                taken++;
                tokens += next.length();
            }
            slots.release(taken);
        }
        passing = callerRuns;
        return pass;
    }

    private boolean awaitArrival(long nanos) {
        try {
            arrived.await(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void runPass(List<Job.Item> items) {
        long start = System.nanoTime();
        List<Encoded> texts = new ArrayList<>(items.size());
        int tokens = 0;
        for (Job.Item item : items) {
            item.job().markStarted(start);
            texts.add(item.text());
            tokens += item.length();
        }
        long bytesBefore = allocatedBytes();
        long nodesBefore = GraphStats.threadNodes();
        float[][] probabilities;
        running.incrementAndGet();
        try {
            // Around the pass only: a consumer waiting for work must not keep the other's pass off
            // the kernel pool, and it has left before any request learns its answer.
            probabilities = workers.length == 1 ? forward.run(texts) : Engine.sideBySide(() -> forward.run(texts));
            if (probabilities.length != texts.size()) {
                throw new IllegalStateException("forward pass returned " + probabilities.length + " rows for " + texts.size() + " texts");
            }
        } catch (Throwable t) {
            log.error("forward pass over {} texts failed", texts.size(), t);
            items.forEach(item -> item.job().future.completeExceptionally(t));
            return;
        } finally {
            running.decrementAndGet();
        }
        long end = System.nanoTime();
        long bytes = bytesBefore < 0 ? -1 : allocatedBytes() - bytesBefore;
        long nodes = GraphStats.threadNodes() - nodesBefore;
        try {
            observer.accept(new PassStats(texts.size(), tokens, end - start, bytes, nodes));
        } catch (RuntimeException e) {
            log.warn("forward-pass observer failed", e);
        }
        for (int r = 0; r < items.size(); r++) {
            items.get(r).job().deliver(items.get(r).index(), probabilities[r], end);
        }
    }

    private static long allocatedBytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }
}
