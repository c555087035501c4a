package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Probes, the Prometheus scrape with every documented meter, and nothing else exposed. */
class ActuatorTest extends RunningService {
    private static final List<String> SERIES = List.of(
            "sentiment_request_duration_seconds_bucket", "sentiment_tokenization_duration_seconds_bucket",
            "sentiment_queue_duration_seconds_bucket", "sentiment_inference_duration_seconds_bucket",
            "sentiment_inference_allocated_bytes_bucket", "sentiment_autograd_nodes_total",
            "sentiment_batch_size_bucket", "sentiment_input_tokens_bucket",
            "sentiment_predictions_total{", "sentiment_requests_rejected_total{", "sentiment_queue_size",
            "jvm_memory_used_bytes", "jvm_gc_", "http_server_requests_seconds");

    @Test
    void readinessAndLivenessAreUpOnceWarm() throws Exception {
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(json(readiness).get("status").stringValue()).isEqualTo("UP");
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(json(liveness).get("status").stringValue()).isEqualTo("UP");
    }

    @Test
    void prometheusShowsEveryMeterAndNoRequestText() throws Exception {
        String secret = "Zanzibar marmalade quartet was wonderful";
        assertThat(postJson("{\"text\": " + quote(secret) + "}").statusCode()).isEqualTo(200);
        assertThat(postJson("{\"text\": \"\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> scrape = get("/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains(SERIES).contains("reason=\"invalid\"", "label=\"positive\"")
                .doesNotContain("Zanzibar");
    }

    @Test
    void actuatorExposesOnlyHealthInfoAndPrometheus() throws Exception {
        HttpResponse<String> index = get("/actuator");
        assertThat(json(index).get("_links").propertyNames()).allSatisfy(link ->
                assertThat(link).matches("self|health|health-path|info|prometheus"));
        for (String hidden : List.of("/actuator/env", "/actuator/metrics", "/actuator/beans", "/actuator/heapdump")) {
            assertThat(get(hidden).statusCode()).as(hidden).isEqualTo(404);
        }
    }
}
