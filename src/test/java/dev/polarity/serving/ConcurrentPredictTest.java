package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.serving.metrics.SentimentMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** 64 clients at once: every answer right, requests batched together, and no autograd graph built. */
class ConcurrentPredictTest extends RunningService {
    private static final int CLIENTS = 64;
    private static final int REQUESTS_EACH = 50;

    @Autowired
    MeterRegistry registry;

    @Test
    void sixtyFourClientsFiftyRequestsEach() throws Exception {
        double nodesBefore = registry.get(SentimentMetrics.AUTOGRAD_NODES).counter().count();
        long passesBefore = registry.get(SentimentMetrics.BATCH_SIZE).summary().count();
        AtomicInteger wrong = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    for (int r = 0; r < REQUESTS_EACH; r++) {
                        boolean positive = (client + r) % 2 == 0;
                        HttpResponse<String> response = postJson("{\"text\": " + quote(positive ? POSITIVE : NEGATIVE) + "}");
                        String label = response.statusCode() == 200 ? json(response).get("label").stringValue() : "HTTP " + response.statusCode();
                        if (!label.equals(positive ? "positive" : "negative")) {
                            wrong.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(wrong.get()).isZero();
        assertThat(registry.get(SentimentMetrics.AUTOGRAD_NODES).counter().count()).isEqualTo(nodesBefore).isZero();
        long passes = registry.get(SentimentMetrics.BATCH_SIZE).summary().count() - passesBefore;
        assertThat(passes).as("forward passes for %d requests", CLIENTS * REQUESTS_EACH).isLessThan(CLIENTS * REQUESTS_EACH);
    }
}
