package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI description states this instance's limits, not constants, and the headers the
 * answers carry. Settings unlike the defaults prove where the numbers come from; no model is
 * needed to describe the API, so none is loaded.
 */
@SpringBootTest(classes = PolarityServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"polarity.model-path=target/no-such-model", "polarity.max-text-chars=1234",
                "polarity.max-batch-texts=7"})
class ApiDocsTest {
    @LocalServerPort
    int port;

    @Test
    void limitsComeFromTheSettings() throws Exception {
        JsonNode schemas = docs().get("components").get("schemas");
        assertThat(schemas.at("/TextRequest/properties/text/maxLength").intValue()).isEqualTo(1234);
        assertThat(schemas.at("/TextsRequest/properties/texts/maxItems").intValue()).isEqualTo(7);
        assertThat(schemas.at("/TextsRequest/properties/texts/items/maxLength").intValue()).isEqualTo(1234);
        assertThat(schemas.at("/V2InferenceRequest/description").stringValue()).contains("At most 7 texts of at most 1234 characters");
        assertThat(schemas.toString()).doesNotContain("20000");
    }

    @Test
    void answersDeclareRetryAfterAndTheirTimingHeaders() throws Exception {
        JsonNode paths = docs().get("paths");
        for (String path : new String[] {"/predict", "/v2/models/{name}/infer"}) {
            JsonNode responses = paths.get(path).get("post").get("responses");
            assertThat(responses.at("/200/headers").propertyNames()).as(path)
                    .contains("x-tokenization-time", "x-queue-time", "x-inference-time", "x-total-time");
            assertThat(responses.at("/200/headers/x-total-time/schema/type").asString()).as(path).isEqualTo("number");
            assertThat(responses.at("/429/headers/Retry-After/schema/type").asString()).as(path).isEqualTo("integer");
            assertThat(responses.at("/503/headers").propertyNames()).as(path).contains("Retry-After");
        }
    }

    private JsonNode docs() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v3/api-docs")).timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }
}
