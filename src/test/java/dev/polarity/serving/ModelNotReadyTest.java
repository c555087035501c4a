package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.serving.predict.SentimentModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model that cannot load: the process stays alive (liveness UP) but takes no traffic (readiness
 * DOWN), /predict answers 503 with Retry-After, and /actuator/info says the model failed.
 */
@SpringBootTest(classes = PolarityServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "polarity.model-path=target/no-such-model")
class ModelNotReadyTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    SentimentModel model;

    @Test
    void failedModelMeansNotReadyAnd503() throws Exception {
        assertThat(model.awaitSettled(Duration.ofMinutes(1))).isEqualTo(SentimentModel.State.FAILED);

        HttpResponse<String> predict = send(HttpRequest.newBuilder(uri("/predict")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"I loved it\"}")));
        assertThat(predict.statusCode()).isEqualTo(503);
        assertThat(predict.headers().firstValue("Retry-After")).isPresent();
        assertThat(predict.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(predict.body()).get("detail").stringValue()).contains("failed to load")
                .doesNotContain("no-such-model");

        HttpResponse<String> readiness = send(HttpRequest.newBuilder(uri("/actuator/health/readiness")));
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(readiness.body()).get("status").stringValue()).isEqualTo("DOWN");
        HttpResponse<String> liveness = send(HttpRequest.newBuilder(uri("/actuator/health/liveness")));
        assertThat(liveness.statusCode()).isEqualTo(200);

        // Info still answers, naming the model it could not load and no labels or evaluation.
        HttpResponse<String> info = send(HttpRequest.newBuilder(uri("/actuator/info")));
        assertThat(info.statusCode()).isEqualTo(200);
        JsonNode about = JSON.readTree(info.body()).get("model");
        assertThat(about.get("name").stringValue()).isEqualTo("no-such-model");
        assertThat(about.get("state").stringValue()).isEqualTo("failed");
        assertThat(about.get("labels").isEmpty()).isTrue();
        assertThat(about.has("eval")).isFalse();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
