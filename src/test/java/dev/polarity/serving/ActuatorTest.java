package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.kernels.Parallel;
import dev.polarity.engine.kernels.VectorSupport;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Probes, the info document, the Prometheus scrape with every documented meter, and nothing else exposed. */
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
    void infoReportsModelEngineLimitsAndBuild() throws Exception {
        HttpResponse<String> response = get("/actuator/info");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode info = json(response);

        JsonNode model = info.get("model");
        assertThat(model.get("name").stringValue()).isEqualTo("polarity-sst2-minilm");
        assertThat(model.get("path").stringValue()).isEqualTo(Path.of("models/polarity-sst2-minilm").toString());
        assertThat(model.get("state").stringValue()).isEqualTo("ready");
        assertThat(model.get("maxTokens").intValue()).isEqualTo(256);
        assertThat(model.get("labels").values()).extracting(JsonNode::stringValue).containsExactly("negative", "positive");
        JsonNode recorded = JSON.readTree(Path.of("models/polarity-sst2-minilm/eval.json").toFile());
        assertThat(model.get("eval").get("accuracy").doubleValue()).isEqualTo(recorded.get("accuracy").doubleValue());
        assertThat(model.get("eval").get("date").stringValue()).isEqualTo(recorded.get("date").stringValue());
        assertThat(model.get("eval").get("examples").intValue()).isEqualTo(recorded.get("examples").intValue());

        JsonNode engine = info.get("engine");
        assertThat(engine.get("vectorKernels").booleanValue()).isEqualTo(VectorSupport.enabled());
        assertThat(engine.get("vectorApiAvailable").booleanValue()).isEqualTo(VectorSupport.available());
        assertThat(engine.get("kernelThreads").intValue()).isEqualTo(Parallel.threads()).isPositive();

        JsonNode limits = info.get("limits");
        assertThat(limits.get("maxTextChars").intValue()).isEqualTo(20_000);
        assertThat(limits.get("maxBatchTexts").intValue()).isEqualTo(64);
        assertThat(limits.get("maxBodyBytes").longValue()).isGreaterThan(64L * 20_000);

        // From META-INF/build-info.properties, which the build-info goal writes before the tests run.
        JsonNode build = info.get("build");
        assertThat(build).as("build-info.properties missing: run through Maven").isNotNull();
        assertThat(build.get("artifact").stringValue()).isEqualTo("polarity");
        assertThat(build.get("version").stringValue()).isNotBlank();
        assertThat(build.get("time").stringValue()).isNotBlank();
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
