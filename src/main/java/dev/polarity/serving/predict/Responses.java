package dev.polarity.serving.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** JSON bodies of /predict: answers, and the request shapes as the OpenAPI description shows them. */
final class Responses {
    private Responses() {}

    @Schema(name = "Prediction", description = "One text's sentiment")
    record Prediction(
            @Schema(example = "positive") String label,
            @Schema(description = "Probability of the label", example = "0.98") float score,
            @Schema(description = "Probability of every label", example = "{\"negative\": 0.02, \"positive\": 0.98}")
            Map<String, Float> scores,
            @Schema(example = "polarity-sst2-minilm") String model,
            @Schema(description = "True when the text was cut to the model's token limit") boolean truncated,
            @Schema(description = "Windows a long text was read in, with \"long_text\": \"chunk\" only")
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer windows) {}

    @Schema(name = "Predictions", description = "Answer to {\"texts\": [...]}: one prediction per text, in order")
    record Predictions(List<Prediction> predictions, String model) {}

    @Schema(name = "LabelScore", description = "Hugging Face text-classification entry")
    record LabelScore(@Schema(example = "positive") String label, @Schema(example = "0.98") float score) {}

    // The limits (maxLength, maxItems) are this instance's settings, added by ApiDocsCustomizer.
    @Schema(name = "TextRequest")
    record TextRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
            example = "This movie was wonderful, I loved every minute of it.") String text,
            @Schema(description = "false: refuse a text over the token limit (413) instead of cutting it", defaultValue = "true")
            Boolean truncate,
            @Schema(name = "long_text", allowableValues = {"truncate", "chunk"}, defaultValue = "truncate",
                    description = "chunk: read a long text in overlapping windows of the token limit") String longText) {}

    @Schema(name = "TextsRequest")
    record TextsRequest(@ArraySchema(schema = @Schema(type = "string")) List<String> texts) {}

    @Schema(name = "InputsRequest", description = "Hugging Face shape: one string, or a list of strings")
    record InputsRequest(@Schema(oneOf = {String.class, String[].class}, example = "I loved it.") Object inputs) {}
}
