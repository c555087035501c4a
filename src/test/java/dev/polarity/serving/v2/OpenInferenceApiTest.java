package dev.polarity.serving.v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.serving.RunningService;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The protocol against the running service and the shipped model, as a KServe or Triton client
 * would call it; and /predict, beside it, still answering its own RFC 9457 problems.
 */
class OpenInferenceApiTest extends RunningService {
    private static final String MODEL = "/v2/models/polarity-sst2-minilm";

    @Test
    void healthAndMetadataOfTheServedModel() throws Exception {
        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/v2/health/ready").statusCode()).isEqualTo(200);
        assertThat(json(get(MODEL + "/ready")).get("ready").booleanValue()).isTrue();
        JsonNode metadata = json(get(MODEL));
        assertThat(metadata.get("name").stringValue()).isEqualTo("polarity-sst2-minilm");
        assertThat(metadata.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,2]");
    }

    @Test
    void inferScoresABytesTensorOfTexts() throws Exception {
        HttpResponse<String> response = post(MODEL + "/infer", "application/json", "{\"id\": \"req-1\", \"inputs\": [{"
                + "\"name\": \"text\", \"shape\": [3], \"datatype\": \"BYTES\", \"data\": [" + quote(POSITIVE) + ", "
                + quote(NEGATIVE) + ", " + quote(POSITIVE) + "]}]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("id").stringValue()).isEqualTo("req-1");
        assertThat(body.get("model_name").stringValue()).isEqualTo("polarity-sst2-minilm");
        JsonNode probabilities = body.get("outputs").get(0);
        assertThat(probabilities.get("shape").toString()).isEqualTo("[3,2]");
        JsonNode p = probabilities.get("data");
        assertThat(p).hasSize(6);
        for (int row = 0; row < 3; row++) {
            assertThat(p.get(2 * row).doubleValue() + p.get(2 * row + 1).doubleValue()).isCloseTo(1.0, within(1e-5));
        }
        assertThat(p.get(1).doubleValue()).isGreaterThan(0.5);  // positive column of the first text
        assertThat(p.get(2).doubleValue()).isGreaterThan(0.5);  // negative column of the second
        assertThat(body.get("outputs").get(1).get("data").valueStream().map(JsonNode::stringValue))
                .containsExactly("positive", "negative", "positive");
    }

    @Test
    void refusalsAreProtocolErrorsHereAndProblemsOnPredict() throws Exception {
        HttpResponse<String> unknown = post("/v2/models/bert/infer", "application/json", "{\"inputs\": []}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").stringValue()).contains("polarity-sst2-minilm");

        HttpResponse<String> malformed = post(MODEL + "/infer", "application/json", "{\"inputs\": [");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(malformed).propertyNames()).containsExactly("error");

        HttpResponse<String> predict = postJson("{}");
        assertThat(predict.statusCode()).isEqualTo(400);
        assertThat(predict.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void openApiDescribesTheProtocol() throws Exception {
        JsonNode paths = json(get("/v3/api-docs")).get("paths");
        assertThat(paths.has("/v2/models/{name}/infer")).isTrue();
        assertThat(paths.has("/v2/health/ready")).isTrue();
    }
}
