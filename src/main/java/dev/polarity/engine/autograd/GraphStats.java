package dev.polarity.engine.autograd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the autograd graph nodes the engine creates, in total and on the calling thread, so a
 * server can prove that its inference path records nothing.
 */
public final class GraphStats {
    private static final AtomicLong TOTAL = new AtomicLong();
    private static final ThreadLocal<long[]> PER_THREAD = ThreadLocal.withInitial(() -> new long[1]);

    private GraphStats() {}

    static void nodeCreated() {
        TOTAL.incrementAndGet();
        PER_THREAD.get()[0]++;
    }

    /** Nodes created by all threads since the JVM started. */
    public static long totalNodes() {
        return TOTAL.get();
    }

    /** Nodes created by the calling thread since it started. */
    public static long threadNodes() {
        return PER_THREAD.get()[0];
    }
}
