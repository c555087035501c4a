package dev.polarity.serving.explain;

/** Every explanation thread is busy and the queue is full: 429 with Retry-After. */
final class ExplainBusyException extends RuntimeException {
    ExplainBusyException(int threads, int queueCapacity) {
        super("Explanations are busy: " + threads + " running and " + queueCapacity + " waiting. Retry later.", null,
                false, false);
    }
}
