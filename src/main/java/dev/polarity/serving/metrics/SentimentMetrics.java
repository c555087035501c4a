package dev.polarity.serving.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The service's own meters. Dashboards and alerts rely on these names; tags only ever hold values
 * from small fixed sets (labels of the model, rejection reasons), never request text or ids.
 */
@Component
public class SentimentMetrics {
    public static final String REQUEST = "sentiment.request.duration";
    public static final String TOKENIZATION = "sentiment.tokenization.duration";
    public static final String QUEUE = "sentiment.queue.duration";
    public static final String INFERENCE = "sentiment.inference.duration";
    public static final String ALLOCATED = "sentiment.inference.allocated";
    public static final String AUTOGRAD_NODES = "sentiment.autograd.nodes";
    public static final String BATCH_SIZE = "sentiment.batch.size";
    public static final String INPUT_TOKENS = "sentiment.input.tokens";
    public static final String PREDICTIONS = "sentiment.predictions";
    public static final String REJECTED = "sentiment.requests.rejected";
    public static final String QUEUE_SIZE = "sentiment.queue.size";

    /** Rejection reasons, registered up front so a rate over them exists before the first refusal. */
    public static final List<String> REJECT_REASONS = List.of("invalid", "too_large", "unsupported_media_type",
            "not_ready", "queue_full", "deadline", "shutting_down", "not_found", "unauthorized", "other");

    private final MeterRegistry registry;
    private final Timer request;
    private final Timer tokenization;
    private final Timer queue;
    private final Timer inference;
    private final DistributionSummary allocated;
    private final Counter autogradNodes;
    private final DistributionSummary batchSize;
    private final DistributionSummary inputTokens;

    public SentimentMetrics(MeterRegistry registry) {
        this.registry = registry;
        request = timer(REQUEST, "Time from request received to response ready, per /predict request");
        tokenization = timer(TOKENIZATION, "Tokenizing all texts of a request");
        queue = timer(QUEUE, "From queued to the start of the request's first forward pass");
        inference = timer(INFERENCE, "One batched forward pass on the inference thread");
        // Expected ranges bound the histograms: unbounded summaries publish some 276 buckets each.
        allocated = DistributionSummary.builder(ALLOCATED).baseUnit("bytes")
                .description("Heap bytes allocated by the inference thread during one forward pass")
                .publishPercentileHistogram().minimumExpectedValue(1024.0).maximumExpectedValue(64.0 * (1L << 30))
                .register(registry);
        autogradNodes = Counter.builder(AUTOGRAD_NODES)
                .description("Autograd graph nodes created on the inference thread (0 when no graph is recorded)")
                .register(registry);
        batchSize = DistributionSummary.builder(BATCH_SIZE).description("Texts per forward pass")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(1024.0).register(registry);
        inputTokens = DistributionSummary.builder(INPUT_TOKENS)
                .description("Tokens per text after truncation, [CLS] and [SEP] included")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(4096.0).register(registry);
        REJECT_REASONS.forEach(reason -> rejectedCounter(reason));
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    public void request(long nanos) {
        request.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void tokenization(long nanos, int[] tokensPerText) {
        tokenization.record(nanos, TimeUnit.NANOSECONDS);
        for (int t : tokensPerText) {
            inputTokens.record(t);
        }
    }

    public void queued(long nanos) {
        queue.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One forward pass; {@code allocatedBytes} below 0 means it could not be measured. */
    public void forwardPass(int texts, long nanos, long allocatedBytes, long graphNodes) {
        inference.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(texts);
        if (allocatedBytes >= 0) {
            allocated.record(allocatedBytes);
        }
        autogradNodes.increment(graphNodes);
    }

    /** {@code label} comes from the model's config, a set of two or three names. */
    public void prediction(String label) {
        registry.counter(PREDICTIONS, "label", label).increment();
    }

    public void rejected(String reason) {
        rejectedCounter(REJECT_REASONS.contains(reason) ? reason : "other").increment();
    }

    private Counter rejectedCounter(String reason) {
        return Counter.builder(REJECTED).tag("reason", reason).description("Requests refused, by reason").register(registry);
    }
}
