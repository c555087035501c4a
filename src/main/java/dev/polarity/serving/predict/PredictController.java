package dev.polarity.serving.predict;

import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.errors.InvalidRequestException;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.predict.Responses.LabelScore;
import dev.polarity.serving.predict.Responses.Prediction;
import dev.polarity.serving.predict.Responses.Predictions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** POST /predict in three shapes; timings travel back as headers in milliseconds. */
@RestController
@Tag(name = "predict", description = "Sentiment of English text")
class PredictController {
    static final String TOKENIZATION_TIME = "x-tokenization-time";
    static final String QUEUE_TIME = "x-queue-time";
    static final String INFERENCE_TIME = "x-inference-time";
    static final String TOTAL_TIME = "x-total-time";
    /** Milliseconds the client will wait: shortens (never lengthens) polarity.request-timeout. */
    static final String REQUEST_TIMEOUT = "X-Request-Timeout-Ms";

    private final SentimentModel model;
    private final SentimentMetrics metrics;
    private final RequestReader reader;
    private final long timeoutNanos;

    PredictController(SentimentModel model, SentimentMetrics metrics, PolarityProperties properties) {
        this.model = model;
        this.metrics = metrics;
        this.timeoutNanos = properties.requestTimeout().toNanos();
        this.reader = new RequestReader(properties.maxTextChars(), properties.maxBatchTexts());
    }

    @Operation(summary = "Sentiment of one text, of a list, or in the Hugging Face text-classification shape",
            description = "{\"text\": s} answers one Prediction; {\"texts\": [...]} answers Predictions in order; "
                    + "{\"inputs\": s} answers a list of {label, score} sorted by score, {\"inputs\": [...]} one such "
                    + "list per text. Texts beyond the token limit are truncated and say \"truncated\": true; with "
                    + "\"truncate\": false they are refused (413), with \"long_text\": \"chunk\" read in overlapping windows "
                    + "whose probabilities are averaged by tokens (the answer says \"windows\"). "
                    + "Headers x-tokenization-time, x-queue-time, x-inference-time and x-total-time give milliseconds.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(oneOf = {
                            Responses.TextRequest.class, Responses.TextsRequest.class, Responses.InputsRequest.class}))))
    @ApiResponse(responseCode = "200", description = "Predictions", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(oneOf = {Prediction.class, Predictions.class,
                    LabelScore[].class, LabelScore[][].class})))
    @ApiResponse(responseCode = "400", description = "Malformed JSON, a missing or blank text, a non-string item",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "401", description = "The API key is missing or wrong (only when polarity.api-key is set)",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "A text over the character limit (or the token limit with \"truncate\": false), too many texts, or a body over the byte cap",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "415", description = "The body is not JSON",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "429", description = "The inference queue is full; see Retry-After",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "The model is not ready yet, or the request's deadline passed while it was queued; see Retry-After",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/predict", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> predict(@RequestBody @io.swagger.v3.oas.annotations.parameters.RequestBody JsonNode body,
                                   @Parameter(description = "Milliseconds the client will wait; shortens the server's request timeout")
                                   @RequestHeader(name = REQUEST_TIMEOUT, required = false) String timeoutMillis) {
        long start = System.nanoTime();
        long deadline = start + timeout(timeoutMillis);
        RequestReader.Parsed request = reader.read(body);
        Scored scored = model.predict(request.texts(), request.longTexts(), deadline);
        Object answer = switch (request.shape()) {
            case TEXT -> prediction(scored, 0);
            case TEXTS -> new Predictions(predictions(scored), scored.model());
            case INPUTS_ONE -> ranked(scored, 0);
            case INPUTS_MANY -> allRanked(scored);
        };
        long total = System.nanoTime() - start;
        metrics.request(total);
        HttpHeaders headers = new HttpHeaders();
        headers.set(TOKENIZATION_TIME, millis(scored.tokenizationNanos()));
        headers.set(QUEUE_TIME, millis(scored.queueNanos()));
        headers.set(INFERENCE_TIME, millis(scored.inferenceNanos()));
        headers.set(TOTAL_TIME, millis(total));
        return ResponseEntity.ok().headers(headers).body(answer);
    }

    private long timeout(String millis) {
        if (millis == null) {
            return timeoutNanos;
        }
        long ms;
        try {
            ms = Long.parseLong(millis.strip());
        } catch (NumberFormatException e) {
            ms = 0;
        }
        if (ms < 1) {
            throw new InvalidRequestException("Header " + REQUEST_TIMEOUT + " must be a positive number of milliseconds.");
        }
        return Math.min(timeoutNanos, TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private static List<Prediction> predictions(Scored scored) {
        List<Prediction> out = new ArrayList<>(scored.texts().size());
        for (int i = 0; i < scored.texts().size(); i++) {
            out.add(prediction(scored, i));
        }
        return out;
    }

    private static Prediction prediction(Scored scored, int i) {
        Scored.TextScore text = scored.texts().get(i);
        Map<String, Float> scores = new LinkedHashMap<>();
        for (int k = 0; k < scored.labels().size(); k++) {
            scores.put(scored.labels().get(k), text.probabilities()[k]);
        }
        return new Prediction(scored.labels().get(text.best()), text.probabilities()[text.best()], scores, scored.model(),
                text.truncated(), text.windows() == 0 ? null : text.windows());
    }

    private static List<List<LabelScore>> allRanked(Scored scored) {
        List<List<LabelScore>> out = new ArrayList<>(scored.texts().size());
        for (int i = 0; i < scored.texts().size(); i++) {
            out.add(ranked(scored, i));
        }
        return out;
    }

    /** Hugging Face's order: highest score first. */
    private static List<LabelScore> ranked(Scored scored, int i) {
        float[] p = scored.texts().get(i).probabilities();
        List<LabelScore> out = new ArrayList<>(p.length);
        for (int k = 0; k < p.length; k++) {
            out.add(new LabelScore(scored.labels().get(k), p[k]));
        }
        out.sort(Comparator.comparingDouble(LabelScore::score).reversed());
        return out;
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
