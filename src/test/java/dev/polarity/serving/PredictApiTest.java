package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The three request shapes answer the documented JSON with the right labels. */
class PredictApiTest extends RunningService {

    @Test
    void oneTextAnswersOnePrediction() throws Exception {
        HttpResponse<String> response = postJson("{\"text\": " + quote(POSITIVE) + "}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.propertyNames()).containsExactlyInAnyOrder("label", "score", "scores", "model", "truncated");
        assertThat(body.get("label").stringValue()).isEqualTo("positive");
        assertThat(body.get("model").stringValue()).isEqualTo("polarity-sst2-minilm");
        assertThat(body.get("truncated").booleanValue()).isFalse();
        assertThat(body.get("scores").propertyNames()).containsExactly("negative", "positive");
        double positive = body.get("scores").get("positive").doubleValue();
        assertThat(body.get("score").doubleValue()).isEqualTo(positive).isGreaterThan(0.5);
        assertThat(positive + body.get("scores").get("negative").doubleValue()).isCloseTo(1.0, within(1e-5));

        assertThat(json(postJson("{\"text\": " + quote(NEGATIVE) + "}")).get("label").stringValue()).isEqualTo("negative");
    }

    @Test
    void timingHeadersAreMilliseconds() throws Exception {
        HttpResponse<String> response = postJson("{\"text\": " + quote(POSITIVE) + "}");
        double total = 0;
        for (String header : List.of("x-tokenization-time", "x-queue-time", "x-inference-time")) {
            double ms = Double.parseDouble(response.headers().firstValue(header).orElseThrow());
            assertThat(ms).as(header).isGreaterThanOrEqualTo(0);
            total += ms;
        }
        assertThat(Double.parseDouble(response.headers().firstValue("x-total-time").orElseThrow())).isGreaterThanOrEqualTo(total);
    }

    @Test
    void textsAnswerPredictionsInOrder() throws Exception {
        HttpResponse<String> response = postJson("{\"texts\": [" + quote(POSITIVE) + ", " + quote(NEGATIVE) + ", "
                + quote(POSITIVE) + "]}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.propertyNames()).containsExactlyInAnyOrder("predictions", "model");
        assertThat(body.get("model").stringValue()).isEqualTo("polarity-sst2-minilm");
        assertThat(body.get("predictions").valueStream().map(p -> p.get("label").stringValue()))
                .containsExactly("positive", "negative", "positive");
        assertThat(body.get("predictions").get(1).propertyNames())
                .containsExactlyInAnyOrder("label", "score", "scores", "model", "truncated");
    }

    @Test
    void huggingFaceShapeAnswersLabelsSortedByScore() throws Exception {
        JsonNode one = json(postJson("{\"inputs\": " + quote(NEGATIVE) + "}"));
        assertThat(one.isArray()).isTrue();
        assertThat(one).hasSize(2);
        assertThat(one.get(0).propertyNames()).containsExactlyInAnyOrder("label", "score");
        assertThat(one.get(0).get("label").stringValue()).isEqualTo("negative");
        assertThat(one.get(0).get("score").doubleValue()).isGreaterThanOrEqualTo(one.get(1).get("score").doubleValue());

        JsonNode many = json(postJson("{\"inputs\": [" + quote(POSITIVE) + ", " + quote(NEGATIVE) + "]}"));
        assertThat(many).hasSize(2);
        assertThat(many.get(0).get(0).get("label").stringValue()).isEqualTo("positive");
        assertThat(many.get(1).get(0).get("label").stringValue()).isEqualTo("negative");
        assertThat(many.get(1)).hasSize(2);
    }

    @Test
    void textsOverTheTokenLimitAreTruncatedAndSaySo() throws Exception {
        String longText = (POSITIVE + " ").repeat(60); // ~800 tokens, far under the character limit
        JsonNode body = json(postJson("{\"text\": " + quote(longText) + "}"));
        assertThat(body.get("truncated").booleanValue()).isTrue();
        assertThat(body.get("label").stringValue()).isEqualTo("positive");
    }

    @Test
    void longTextsCanBeRefusedInsteadOfTruncated() throws Exception {
        String longText = (POSITIVE + " ").repeat(60);
        HttpResponse<String> refused = postJson("{\"text\": " + quote(longText) + ", \"truncate\": false}");
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(json(refused).get("detail").stringValue()).contains("256 tokens");
        assertThat(postJson("{\"text\": " + quote(POSITIVE) + ", \"truncate\": false}").statusCode()).isEqualTo(200);
    }

    @Test
    void longTextsCanBeReadInWindows() throws Exception {
        // About 800 tokens: negative first, positive after; truncation would read only the first part.
        String longText = (NEGATIVE + " ").repeat(30) + (POSITIVE + " ").repeat(45);
        JsonNode chunked = json(postJson("{\"text\": " + quote(longText) + ", \"long_text\": \"chunk\"}"));
        assertThat(chunked.get("windows").intValue()).isGreaterThanOrEqualTo(4);
        assertThat(chunked.get("truncated").booleanValue()).isFalse();
        JsonNode truncated = json(postJson("{\"text\": " + quote(longText) + "}"));
        assertThat(truncated.get("label").stringValue()).isEqualTo("negative");
        assertThat(truncated.has("windows")).isFalse();
        assertThat(chunked.get("scores").get("positive").doubleValue())
                .isGreaterThan(truncated.get("scores").get("positive").doubleValue());
        JsonNode shortOne = json(postJson("{\"texts\": [" + quote(POSITIVE) + "], \"long_text\": \"chunk\"}"));
        assertThat(shortOne.get("predictions").get(0).get("windows").intValue()).isEqualTo(1);
    }

    @Test
    void openApiDescribesPredict() throws Exception {
        HttpResponse<String> response = get("/v3/api-docs");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode post = json(response).get("paths").get("/predict").get("post");
        assertThat(post.get("requestBody").toString()).contains("TextRequest", "TextsRequest", "InputsRequest");
        assertThat(post.get("responses").propertyNames()).contains("200", "400", "413", "415", "429", "503");
    }
}
