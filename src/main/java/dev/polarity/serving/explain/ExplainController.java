package dev.polarity.serving.explain;

import dev.polarity.explain.Explanation;
import dev.polarity.explain.Pieces;
import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.explain.ExplainResponses.Completeness;
import dev.polarity.serving.explain.ExplainResponses.Explained;
import dev.polarity.serving.explain.ExplainResponses.TokenAttribution;
import dev.polarity.serving.explain.ExplainResponses.WordAttribution;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** POST /explain: the prediction plus what each piece and word of the text contributed to it. */
@RestController
@Tag(name = "explain", description = "Why the model said what it said")
class ExplainController {
    private final ExplainService service;
    private final ExplainRequestReader reader;

    ExplainController(ExplainService service, PolarityProperties properties) {
        this.service = service;
        this.reader = new ExplainRequestReader(properties.maxTextChars());
    }

    @Operation(summary = "Attribute a prediction to the words of the text",
            description = "Runs in eval() with grad mode on, on a bounded pool of its own (never the inference thread). "
                    + "integrated-gradients: the target label's probability integrated along the path from a baseline of "
                    + "[PAD] embeddings ([CLS]/[SEP] kept) to the text, attributions sum to f(text) - f(baseline) up to "
                    + "\"completeness.gap\"; gradient-x-input: one gradient, times the word embeddings; occlusion: the "
                    + "drop in probability when each word is deleted, no gradients. Attributions are in probability units: "
                    + "positive supports the target label.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ExplainResponses.Request.class))))
    @ApiResponse(responseCode = "200", description = "The explanation", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = Explained.class)))
    @ApiResponse(responseCode = "400", description = "Malformed JSON; a missing or blank text; an unknown method or target; "
            + "steps outside [1, 256] or given to a method without steps", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "A text over the character limit or over the explanation token limit",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "415", description = "The body is not JSON",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "429", description = "Every explanation thread is busy and the queue is full; see Retry-After",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "The model is not ready, or the explanation ran past the timeout; see Retry-After",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/explain", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Explained explain(@RequestBody @io.swagger.v3.oas.annotations.parameters.RequestBody JsonNode body) {
        ExplainService.Result result = service.explain(reader.read(body));
        return answer(result.model(), result.labels(), result.explanation());
    }

    static Explained answer(String model, List<String> labels, Explanation e) {
        float[] p = e.probabilities();
        Map<String, Float> scores = new LinkedHashMap<>();
        int best = 0;
        for (int k = 0; k < labels.size(); k++) {
            scores.put(labels.get(k), p[k]);
            best = p[k] > p[best] ? k : best;
        }
        Pieces pieces = e.pieces();
        List<TokenAttribution> tokens = new ArrayList<>();
        for (int i = 0; i < pieces.length(); i++) {
            if (!pieces.special()[i]) {
                tokens.add(new TokenAttribution(pieces.tokens()[i], pieces.start()[i], pieces.end()[i], e.tokenAttributions()[i]));
            }
        }
        List<WordAttribution> words = new ArrayList<>();
        for (int w = 0; w < e.words().size(); w++) {
            Pieces.Word word = e.words().get(w);
            words.add(new WordAttribution(word.word(), word.start(), word.end(), e.wordAttributions()[w]));
        }
        Explanation.Completeness c = e.completeness();
        Completeness completeness = c == null ? null : new Completeness(c.sum(), c.input(), c.reference(), c.gap(),
                Double.isFinite(c.relativeGap()) ? c.relativeGap() : null);
        return new Explained(labels.get(best), p[best], scores, model, false, e.method().wireName(), labels.get(e.target()),
                tokens, words, c == null ? null : c.baseline(), c == null ? null : c.steps(), completeness);
    }
}
