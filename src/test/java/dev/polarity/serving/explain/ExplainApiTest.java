package dev.polarity.serving.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.serving.RunningService;
import dev.polarity.serving.metrics.SentimentMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** POST /explain on the whole service with the shipped model. */
class ExplainApiTest extends RunningService {
    @Autowired
    MeterRegistry registry;

    private HttpResponse<String> explain(String body) throws Exception {
        return post("/explain", "application/json", body);
    }

    @Test
    void integratedGradientsAnswerThePredictionAndAttributionsThatAddUp() throws Exception {
        String text = "not bad at all";
        HttpResponse<String> response = explain("{\"text\": " + quote(text) + ", \"method\": \"integrated-gradients\", \"steps\": 64}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        JsonNode predicted = json(postJson("{\"text\": " + quote(text) + "}"));
        assertThat(body.get("label").stringValue()).isEqualTo(predicted.get("label").stringValue());
        assertThat(body.get("score").doubleValue()).isEqualTo(predicted.get("score").doubleValue());
        assertThat(body.get("model").stringValue()).isEqualTo("polarity-sst2-minilm");
        assertThat(body.get("method").stringValue()).isEqualTo("integrated-gradients");
        assertThat(body.get("target").stringValue()).isEqualTo(predicted.get("label").stringValue());
        assertThat(body.get("baseline").stringValue()).isEqualTo("pad");
        assertThat(body.get("steps").intValue()).isEqualTo(64);
        List<String> words = new ArrayList<>();
        double sum = 0;
        for (JsonNode w : body.get("words")) {
            words.add(w.get("word").stringValue());
            assertThat(text.substring(w.get("start").intValue(), w.get("end").intValue())).isEqualTo(w.get("word").stringValue());
            sum += w.get("attribution").doubleValue();
        }
        assertThat(words).containsExactly("not", "bad", "at", "all");
        for (JsonNode t : body.get("tokens")) {
            assertThat(text.substring(t.get("start").intValue(), t.get("end").intValue())).isEqualTo(t.get("token").stringValue());
        }
        JsonNode c = body.get("completeness");
        assertThat(c.get("attributionSum").doubleValue()).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-4));
        double delta = c.get("inputScore").doubleValue() - c.get("baselineScore").doubleValue();
        assertThat(c.get("gap").doubleValue()).isLessThan(0.05 * Math.abs(delta));
    }

    @Test
    void otherMethodsAndAnExplicitTarget() throws Exception {
        for (String method : List.of("gradient-x-input", "occlusion")) {
            JsonNode body = json(explain("{\"text\": " + quote(NEGATIVE) + ", \"method\": \"" + method + "\", \"target\": \"positive\"}"));
            assertThat(body.get("method").stringValue()).isEqualTo(method);
            assertThat(body.get("label").stringValue()).isEqualTo("negative");
            assertThat(body.get("target").stringValue()).isEqualTo("positive");
            assertThat(body.has("completeness")).isFalse();
            assertThat(body.has("baseline")).isFalse();
            assertThat(body.get("words")).hasSize(NEGATIVE.split(" ").length);
        }
    }

    @Test
    void anUnknownTargetOrATextOverTheTokenLimitIsRefused() throws Exception {
        HttpResponse<String> target = explain("{\"text\": \"fine\", \"target\": \"neutral\"}");
        assertThat(target.statusCode()).isEqualTo(400);
        assertThat(target.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(target).get("detail").stringValue()).contains("\"target\"", "negative", "positive");

        HttpResponse<String> tooLong = explain("{\"text\": " + quote("good ".repeat(200)) + "}");
        assertThat(tooLong.statusCode()).isEqualTo(413);
        assertThat(json(tooLong).get("detail").stringValue()).contains("tokens", "128");
    }

    @Test
    void explanationsRecordGraphsButThePredictPathStillRecordsNone() throws Exception {
        assertThat(explain("{\"text\": " + quote(POSITIVE) + ", \"method\": \"gradient-x-input\"}").statusCode()).isEqualTo(200);
        assertThat(postJson("{\"text\": " + quote(POSITIVE) + "}").statusCode()).isEqualTo(200);
        assertThat(registry.get(SentimentMetrics.AUTOGRAD_NODES).counter().count()).isZero();
        assertThat(registry.get(ExplainMetrics.GRAPH_NODES).summary().max()).isPositive();
        assertThat(registry.get(ExplainMetrics.ALLOCATED).summary().count()).isPositive();
        assertThat(registry.get(ExplainMetrics.DURATION).tag("method", "gradient-x-input").timer().count()).isPositive();
        String scrape = get("/actuator/prometheus").body();
        assertThat(scrape).contains("sentiment_explain_duration_seconds_count{", "sentiment_explain_graph_nodes_count",
                "sentiment_explain_allocated_bytes_count");
    }

    @Test
    void predictionsDuringAnExplanationStillRecordNoGraphAndAnswerAsAlone() throws Exception {
        JsonNode alone = json(postJson("{\"text\": " + quote(NEGATIVE) + "}"));
        java.util.concurrent.CompletableFuture<HttpResponse<String>> explaining = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return explain("{\"text\": " + quote(POSITIVE) + ", \"steps\": 32}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        // the explanation's graph is being recorded on its own thread meanwhile (grad mode is per thread)
        for (int i = 0; i < 20 && !explaining.isDone(); i++) {
            JsonNode during = json(postJson("{\"text\": " + quote(NEGATIVE) + "}"));
            assertThat(during.get("label").stringValue()).isEqualTo(alone.get("label").stringValue());
            // equal up to float rounding: kernels may split work differently while another thread computes
            assertThat(during.get("score").doubleValue())
                    .isCloseTo(alone.get("score").doubleValue(), org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(explaining.get(3, java.util.concurrent.TimeUnit.MINUTES).statusCode()).isEqualTo(200);
        assertThat(registry.get(SentimentMetrics.AUTOGRAD_NODES).counter().count()).isZero();
    }

    @Test
    void theDemoPageIsServedFromTheJarWithNothingFromElsewhere() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("explain.js", "explain.css", "not bad at all",
                "the acting is great but the plot is a mess").doesNotContain("http://", "https://");
        for (String asset : List.of("/explain.js", "/explain.css")) {
            HttpResponse<String> file = get(asset);
            assertThat(file.statusCode()).as(asset).isEqualTo(200);
            assertThat(file.body()).as(asset).doesNotContain("http://", "https://");
        }
    }

    @Test
    void openApiDescribesExplain() throws Exception {
        JsonNode post = json(get("/v3/api-docs")).get("paths").get("/explain").get("post");
        assertThat(post.get("requestBody").toString()).contains("ExplainRequest");
        assertThat(post.get("responses").propertyNames()).contains("200", "400", "413", "415", "429", "503");
    }
}
