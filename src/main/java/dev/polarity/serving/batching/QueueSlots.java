package dev.polarity.serving.batching;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queue's capacity as a count of slots: claimed by a request before it spends anything on its
 * texts, handed to the queue with them, freed when the inference thread takes (or drops) them. A
 * compare-and-set, not the queue's lock, so refusing costs next to nothing under overload.
 */
final class QueueSlots {
    private final int capacity;
    private final AtomicInteger claimed = new AtomicInteger();

    QueueSlots(int capacity) {
        this.capacity = capacity;
    }

    /** All {@code texts} slots or none. */
    void claim(int texts) {
        for (int now = claimed.get(); ; now = claimed.get()) {
            if (now + texts > capacity) {
                throw new QueueFullException(now, texts, capacity);
            }
            if (claimed.compareAndSet(now, now + texts)) {
                return;
            }
        }
    }

    void release(int texts) {
        claimed.addAndGet(-texts);
    }

    int claimed() {
        return claimed.get();
    }

    boolean hasRoom() {
        return claimed.get() < capacity;
    }
}
