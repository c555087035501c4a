package dev.polarity.serving.batching;

/** A request's deadline passed while its texts waited in the queue; they were not computed. */
public final class DeadlineExceededException extends RuntimeException {
    public DeadlineExceededException() {
        super("the request's deadline passed while it waited in the queue", null, false, false);
    }
}
