package dev.polarity.serving.batching;

import dev.polarity.engine.autograd.GraphStats;
import dev.polarity.model.TextEncoder.Encoded;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inference thread behind a bounded queue of texts. Request threads tokenize and submit; the
 * inference thread waits at most {@code maxWait} for a full batch, takes what is queued (up to
 * {@link #WINDOW_BATCHES} batches' worth, oldest first), sorts it by length and runs it in full
 * passes of {@code maxBatchSize} texts, so each pass holds texts of similar length. The serving
 * forward pass (eval() + noGrad(), the engine's fast path) packs real tokens and pays nothing
 * for padding, so passes are never cut short to save padding: a full pass uses the cores
 * best. Sorting still keeps padding small for the module path (-Dpolarity.fastpath=false). One
 * consumer is enough: the GEMMs inside a pass already use every core through the engine's
 * kernel pool, and a single thread keeps grad mode and the per-thread allocation and graph-node
 * counts it measures unambiguous.
 */
public final class InferenceBatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InferenceBatcher.class);
    /** How many batches one sorted window may hold: more choice of partners, bounded reordering. */
    static final int WINDOW_BATCHES = 4;
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
    private final long maxWaitNanos;
    private final int capacity;
    private final ForwardPass forward;
    private final Consumer<PassStats> observer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final Thread worker;
    private boolean closed;
    private volatile int queued;

    public InferenceBatcher(String threadName, int maxBatchSize, Duration maxWait, int capacity, ForwardPass forward,
                            Consumer<PassStats> observer) {
        if (maxBatchSize < 1 || capacity < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("InferenceBatcher: maxBatchSize and capacity must be positive, maxWait not negative");
        }
        this.maxBatchSize = maxBatchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.capacity = capacity;
        this.forward = forward;
        this.observer = observer;
        worker = new Thread(this::loop, threadName);
        // Daemon so a forgotten close() cannot keep the JVM alive; close() itself waits for the drain.
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues all of a request's texts or none of them.
     *
     * @throws QueueFullException     when they do not fit in the queue now
     * @throws BatcherClosedException after {@link #close()}
     */
    public CompletableFuture<Result> submit(List<Encoded> texts) {
        if (texts.isEmpty()) {
            return CompletableFuture.completedFuture(new Result(new float[0][], 0, 0));
        }
        Job job = new Job(texts);
        lock.lock();
        try {
            if (closed) {
                throw new BatcherClosedException();
            }
            if (queue.size() + texts.size() > capacity) {
                throw new QueueFullException(queue.size(), texts.size(), capacity);
            }
            for (int i = 0; i < texts.size(); i++) {
                queue.add(new Item(job, i));
            }
            queued = queue.size();
            arrived.signal();
        } finally {
            lock.unlock();
        }
        return job.future;
    }

    /** Texts waiting for the inference thread. */
    public int queued() {
        return queued;
    }

    /** Stops taking work, lets the inference thread finish everything already queued, waits up to 30 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration drainTimeout) {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(Math.max(1, drainTimeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Anything the thread could not reach in time fails instead of leaving its caller waiting.
        List<Item> left = new ArrayList<>();
        lock.lock();
        try {
            left.addAll(queue);
            queue.clear();
            queued = 0;
        } finally {
            lock.unlock();
        }
        left.forEach(item -> item.job.future.completeExceptionally(new BatcherClosedException()));
    }

    private void loop() {
        List<Item> window;
        while ((window = nextWindow()) != null) {
            try {
                runWindow(window);
            } catch (Throwable t) {
                log.error("inference thread: unexpected failure; its requests fail, the thread goes on", t);
                window.forEach(item -> item.job.future.completeExceptionally(t));
            }
        }
    }

    /** Blocks for work; returns null once closed and drained. */
    private List<Item> nextWindow() {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return null;
                }
                arrived.awaitUninterruptibly();
            }
            long deadline = System.nanoTime() + maxWaitNanos;
            while (queue.size() < maxBatchSize && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !awaitArrival(left)) {
                    break;
                }
            }
            int n = Math.min(queue.size(), maxBatchSize * WINDOW_BATCHES);
            if (n > maxBatchSize) {
                // Whole passes only when there is more than one: the rest, the newest texts, waits
                // for the next window, where it fills a pass instead of running a short one.
                n -= n % maxBatchSize;
            }
            List<Item> window = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                window.add(queue.poll());
            }
            queued = queue.size();
            return window;
        } finally {
            lock.unlock();
        }
    }

    private boolean awaitArrival(long nanos) {
        try {
            arrived.await(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void runWindow(List<Item> window) {
        window.sort(Comparator.comparingInt(Item::length));
        for (int from = 0; from < window.size(); from += maxBatchSize) {
            runPass(window.subList(from, Math.min(window.size(), from + maxBatchSize)));
        }
    }

    private void runPass(List<Item> items) {
        long start = System.nanoTime();
        List<Encoded> texts = new ArrayList<>(items.size());
        int tokens = 0;
        for (Item item : items) {
            item.job.markStarted(start);
            texts.add(item.text());
            tokens += item.length();
        }
        long bytesBefore = allocatedBytes();
        long nodesBefore = GraphStats.threadNodes();
        float[][] probabilities;
        try {
            probabilities = forward.run(texts);
            if (probabilities.length != texts.size()) {
                throw new IllegalStateException("forward pass returned " + probabilities.length + " rows for " + texts.size() + " texts");
            }
        } catch (Throwable t) {
            log.error("forward pass over {} texts failed", texts.size(), t);
            items.forEach(item -> item.job.future.completeExceptionally(t));
            return;
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
            items.get(r).job.deliver(items.get(r).index, probabilities[r], end);
        }
    }

    private static long allocatedBytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    private record Item(Job job, int index) {
        Encoded text() {
            return job.texts.get(index);
        }

        int length() {
            return text().length();
        }
    }

    /** One request. Fields after construction are touched only by the inference thread. */
    private static final class Job {
        final List<Encoded> texts;
        final float[][] out;
        final long submitted = System.nanoTime();
        final CompletableFuture<Result> future = new CompletableFuture<>();
        long started = -1;
        int remaining;

        Job(List<Encoded> texts) {
            this.texts = List.copyOf(texts);
            this.out = new float[texts.size()][];
            this.remaining = texts.size();
        }

        void markStarted(long now) {
            if (started < 0) {
                started = now;
            }
        }

        void deliver(int index, float[] probabilities, long now) {
            out[index] = probabilities;
            if (--remaining == 0) {
                future.complete(new Result(out, started - submitted, now - started));
            }
        }
    }
}
