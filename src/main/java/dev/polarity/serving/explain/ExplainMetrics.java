package dev.polarity.serving.explain;

import dev.polarity.explain.Method;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Explanation meters, apart from /predict's so that {@code sentiment.autograd.nodes} keeps
 * meaning "graph nodes on the serving path". The method tag takes the three method names only.
 */
@Component
class ExplainMetrics {
    static final String DURATION = "sentiment.explain.duration";
    static final String GRAPH_NODES = "sentiment.explain.graph.nodes";
    static final String ALLOCATED = "sentiment.explain.allocated";

    private final Map<Method, Timer> durations = new EnumMap<>(Method.class);
    private final DistributionSummary graphNodes;
    private final DistributionSummary allocated;

    ExplainMetrics(MeterRegistry registry) {
        for (Method m : Method.values()) {
            durations.put(m, Timer.builder(DURATION).tag("method", m.wireName())
                    .description("One explanation on an explanation thread, from its start to its attributions")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(5)).register(registry));
        }
        graphNodes = DistributionSummary.builder(GRAPH_NODES)
                .description("Autograd graph nodes recorded by one explanation (0 for occlusion)")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(1e8).register(registry);
        allocated = DistributionSummary.builder(ALLOCATED).baseUnit("bytes")
                .description("Heap bytes allocated by the explanation thread for one explanation")
                .publishPercentileHistogram().minimumExpectedValue(1024.0).maximumExpectedValue(256.0 * (1L << 30))
                .register(registry);
    }

    /** {@code allocatedBytes} below 0: could not be measured on this JVM. */
    void explained(Method method, long nanos, long nodes, long allocatedBytes) {
        durations.get(method).record(nanos, TimeUnit.NANOSECONDS);
        graphNodes.record(nodes);
        if (allocatedBytes >= 0) {
            allocated.record(allocatedBytes);
        }
    }
}
