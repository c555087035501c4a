package dev.polarity.serving.explain;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of threads and a bounded queue: work beyond both is refused at once
 * ({@link ExplainBusyException}) rather than piling up, and a caller that has waited past the
 * timeout gets {@link ExplainTimeoutException} while its task is interrupted, which the explainer
 * honours between passes.
 */
final class ExplainPool implements AutoCloseable {
    private final ThreadPoolExecutor executor;
    private final int threads;
    private final int queueCapacity;

    ExplainPool(int threads, int queueCapacity, String name) {
        this.threads = threads;
        this.queueCapacity = queueCapacity;
        BlockingQueue<Runnable> queue = queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    <T> T run(Callable<T> task, Duration timeout) {
        Future<T> future;
        try {
            future = executor.submit(task);
        } catch (RejectedExecutionException busy) {
            throw new ExplainBusyException(threads, queueCapacity);
        }
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException slow) {
            future.cancel(true);
            throw new ExplainTimeoutException(timeout);
        } catch (InterruptedException interrupted) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ExplainTimeoutException(timeout);
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (failed.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("explanation failed", failed.getCause());
        }
    }

    /** Tasks waiting for a thread. */
    int queued() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
