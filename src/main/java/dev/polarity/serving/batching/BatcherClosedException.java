package dev.polarity.serving.batching;

/** The batcher is shutting down and takes no new work. */
public final class BatcherClosedException extends RuntimeException {
    public BatcherClosedException() {
        super("the inference thread is shutting down", null, false, false);
    }
}
