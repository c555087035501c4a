package dev.polarity.serving.explain;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** /explain's JSON: the request as the OpenAPI description shows it, and the answer. */
final class ExplainResponses {
    private ExplainResponses() {}

    @Schema(name = "ExplainRequest")
    record Request(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "not bad at all") String text,
            @Schema(allowableValues = {"integrated-gradients", "gradient-x-input", "occlusion"},
                    defaultValue = "integrated-gradients") String method,
            @Schema(description = "Label whose probability is explained; default: the predicted one", example = "positive")
            String target,
            @Schema(description = "Integrated gradients only: interpolation steps", minimum = "1", maximum = "256",
                    defaultValue = "32") Integer steps) {}

    @Schema(name = "Explanation", description = "The prediction as /predict gives it, and what each piece and word of the "
            + "text contributed to the target label's probability")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Explained(
            @Schema(example = "positive") String label,
            @Schema(description = "Probability of the label", example = "0.98") float score,
            @Schema(description = "Probability of every label") Map<String, Float> scores,
            @Schema(example = "polarity-sst2-minilm") String model,
            @Schema(description = "Always false: texts over the explanation token limit are refused, not cut") boolean truncated,
            @Schema(example = "integrated-gradients") String method,
            @Schema(description = "The label explained", example = "positive") String target,
            List<TokenAttribution> tokens,
            List<WordAttribution> words,
            @Schema(description = "Integrated gradients only: the baseline input, [PAD] embeddings with [CLS]/[SEP] kept",
                    example = "pad") String baseline,
            @Schema(description = "Integrated gradients only") Integer steps,
            @Schema(description = "Integrated gradients only") Completeness completeness) {}

    @Schema(name = "TokenAttribution", description = "A word piece, its characters [start, end) in the text, and its attribution")
    record TokenAttribution(@Schema(example = "bad") String token, int start, int end, float attribution) {}

    @Schema(name = "WordAttribution", description = "A whitespace-delimited word, [start, end) in the text, with the sum of its pieces")
    record WordAttribution(@Schema(example = "bad") String word, int start, int end, float attribution) {}

    @Schema(name = "Completeness", description = "Attributions should sum to f(input) - f(baseline), f the target's probability")
    record Completeness(double attributionSum, double inputScore, double baselineScore,
                        @Schema(description = "|attributionSum - (inputScore - baselineScore)|") double gap,
                        @Schema(description = "gap / |inputScore - baselineScore|; null when they are equal") Double relativeGap) {}
}
