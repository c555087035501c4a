package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.serving.predict.SentimentModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service on a random loopback port with the shipped model (polarity.model-path,
 * relative to the project root). Subclasses share one application context, so the model loads once.
 */
@SpringBootTest(classes = PolarityServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class RunningService {
    protected static final String POSITIVE = "This movie was wonderful, I loved every minute of it.";
    protected static final String NEGATIVE = "A dull, tedious mess. I hated it.";
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    protected static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected SentimentModel model;

    @BeforeEach
    void modelIsReady() throws InterruptedException {
        assertThat(model.awaitSettled(Duration.ofMinutes(3))).isEqualTo(SentimentModel.State.READY);
    }

    protected HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> postJson(String body) throws IOException, InterruptedException {
        return post("/predict", "application/json", body);
    }

    protected HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(1)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    protected static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    protected static String quote(String text) {
        return JSON.writeValueAsString(text);
    }
}
