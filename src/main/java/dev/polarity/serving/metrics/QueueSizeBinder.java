package dev.polarity.serving.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** {@code sentiment.queue.size}: texts waiting for the inference thread, read at scrape time. */
@Component
class QueueSizeBinder implements MeterBinder {
    private final QueueDepth depth;

    QueueSizeBinder(QueueDepth depth) {
        this.depth = depth;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(SentimentMetrics.QUEUE_SIZE, depth, QueueDepth::queuedTexts)
                .description("Texts waiting for the inference thread")
                .register(registry);
    }
}
