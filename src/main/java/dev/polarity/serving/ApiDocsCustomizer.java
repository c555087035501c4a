package dev.polarity.serving;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.NumberSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Completes the OpenAPI description with what annotations cannot say: the request limits as this
 * instance is configured (an annotation's constant would drift from polarity.max-text-chars and
 * polarity.max-batch-texts), the Retry-After header on every 429 and 503, and the timing headers
 * on every scoring answer (the POST operations: /predict and the Open Inference Protocol's infer).
 */
@Component
class ApiDocsCustomizer implements org.springdoc.core.customizers.OpenApiCustomizer {
    static final List<String> TIMING_HEADERS = List.of("x-tokenization-time", "x-queue-time", "x-inference-time",
            "x-total-time");

    private final PolarityProperties properties;

    ApiDocsCustomizer(PolarityProperties properties) {
        this.properties = properties;
    }

    @Override
    public void customise(OpenAPI api) {
        if (api.getComponents() != null && api.getComponents().getSchemas() != null) {
            limits(api.getComponents().getSchemas());
        }
        if (api.getPaths() == null) {
            return;
        }
        for (PathItem path : api.getPaths().values()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> operation : path.readOperationsMap().entrySet()) {
                if (operation.getValue().getResponses() == null) {
                    continue;
                }
                operation.getValue().getResponses().forEach((status, response) -> {
                    if (status.equals("429") || status.equals("503")) {
                        response.addHeaderObject("Retry-After", new Header()
                                .description("Seconds to wait before trying again").schema(new IntegerSchema()));
                    } else if (status.equals("200") && operation.getKey() == PathItem.HttpMethod.POST) {
                        timings(response);
                    }
                });
            }
        }
    }

    private void limits(Map<String, Schema> schemas) {
        int chars = properties.maxTextChars();
        int texts = properties.maxBatchTexts();
        for (String request : List.of("TextRequest", "ExplainRequest")) {
            Schema<?> text = property(schemas.get(request), "text");
            if (text != null) {
                text.setMaxLength(chars);
            }
        }
        Schema<?> list = property(schemas.get("TextsRequest"), "texts");
        if (list != null) {
            list.setMaxItems(texts);
            if (list.getItems() != null) {
                list.getItems().setMaxLength(chars);
            }
        }
        String limit = " At most " + texts + " texts of at most " + chars + " characters each (413 beyond).";
        for (String name : List.of("InputsRequest", "V2InferenceRequest")) {
            Schema<?> schema = schemas.get(name);
            if (schema != null) {
                schema.setDescription((schema.getDescription() == null ? "" : schema.getDescription()) + limit);
            }
        }
    }

    private static Schema<?> property(Schema<?> schema, String name) {
        return schema == null || schema.getProperties() == null ? null : schema.getProperties().get(name);
    }

    private static void timings(ApiResponse response) {
        for (String name : TIMING_HEADERS) {
            String step = name.substring(2, name.length() - "-time".length());
            response.addHeaderObject(name, new Header().description("Milliseconds spent on " + step + ", such as 1.250")
                    .schema(new NumberSchema()));
        }
    }
}
