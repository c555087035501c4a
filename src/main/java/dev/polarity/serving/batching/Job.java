package dev.polarity.serving.batching;

import dev.polarity.model.TextEncoder.Encoded;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One request in the batcher. Its texts may be split over passes on different consumers, so delivery locks. */
final class Job {
    /** One of a job's texts as the queue holds it. */
    record Item(Job job, int index) {
        Encoded text() {
            return job.texts.get(index);
        }

        int length() {
            return text().length();
        }
    }

    final List<Encoded> texts;
    final float[][] out;
    final long submitted = System.nanoTime();
    final long deadline;
    final CompletableFuture<InferenceBatcher.Result> future = new CompletableFuture<>();
    long started = -1;
    int remaining;
    /** Dropped for its deadline; touched only under the batcher's lock. */
    boolean failed;

    Job(List<Encoded> texts, long deadline) {
        this.texts = List.copyOf(texts);
        this.deadline = deadline;
        this.out = new float[texts.size()][];
        this.remaining = texts.size();
    }

    boolean expired(long now) {
        return deadline != InferenceBatcher.NO_DEADLINE && now - deadline > 0; // subtraction: nanoTime may wrap
    }

    synchronized void markStarted(long now) {
        if (started < 0) {
            started = now;
        }
    }

    synchronized void deliver(int index, float[] probabilities, long now) {
        out[index] = probabilities;
        if (--remaining == 0) {
            future.complete(new InferenceBatcher.Result(out, started - submitted, now - started));
        }
    }
}
