package dev.polarity.serving.batching;

/**
 * Queue slots a request holds between {@link InferenceBatcher#admit} and
 * {@link InferenceBatcher#submit}; closing gives back whatever was not handed to the queue (all of
 * them when tokenizing failed). One request thread uses it.
 */
public final class Admission implements AutoCloseable {
    private final QueueSlots queue;
    private int slots;

    Admission(QueueSlots queue, int slots) {
        this.queue = queue;
        this.slots = slots;
    }

    /** Holds exactly {@code texts} slots: claims the difference (all or none) or frees the surplus. */
    void resize(int texts) {
        if (texts > slots) {
            queue.claim(texts - slots);
        } else {
            queue.release(slots - texts);
        }
        slots = texts;
    }

    /** The queued texts own the slots now. */
    void handOver() {
        slots = 0;
    }

    @Override
    public void close() {
        queue.release(slots);
        slots = 0;
    }
}
