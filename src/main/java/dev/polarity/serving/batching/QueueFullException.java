package dev.polarity.serving.batching;

/** The bounded queue cannot take a request's texts now; the client should retry shortly. */
public final class QueueFullException extends RuntimeException {
    public QueueFullException(int queued, int incoming, int capacity) {
        super("the inference queue is full (" + queued + " texts waiting, " + incoming + " more asked, capacity "
                + capacity + ")", null, false, false);
    }
}
