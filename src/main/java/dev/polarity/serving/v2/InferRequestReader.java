package dev.polarity.serving.v2;

import dev.polarity.serving.errors.InvalidRequestException;
import dev.polarity.serving.errors.PayloadTooLargeException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads an Open Inference Protocol inference request: one BYTES input tensor named "text" whose
 * elements are the texts, as JSON strings. The tree is read by hand, as /predict's reader does,
 * so each mistake gets its own 400 message naming the field; messages never quote a text. The
 * same limits as /predict apply (text length and count, 413 beyond), checked before tokenizing.
 * Request and tensor "parameters" are ignored, as the protocol allows, except the binary tensor
 * extension's, which would mean the data is not in the JSON at all.
 */
final class InferRequestReader {
    static final String INPUT = "text";
    static final String PROBABILITIES = "probabilities";
    static final String LABEL = "label";
    static final Set<String> OUTPUTS = Set.of(PROBABILITIES, LABEL);

    /**
     * @param id      the request's id, echoed in the answer; null when absent
     * @param outputs the outputs asked for, in the order asked; empty means all of them
     */
    record Parsed(String id, List<String> texts, Set<String> outputs) {}

    private final int maxTextChars;
    private final int maxTexts;

    InferRequestReader(int maxTextChars, int maxTexts) {
        this.maxTextChars = maxTextChars;
        this.maxTexts = maxTexts;
    }

    Parsed read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("The body must be a JSON object with \"inputs\".");
        }
        String id = null;
        JsonNode idNode = body.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isString()) {
                throw invalid("\"id\" must be a string.");
            }
            id = idNode.stringValue();
        }
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw invalid("\"inputs\" must be a list holding one tensor named \"" + INPUT + "\".");
        }
        if (inputs.size() > 1) {
            throw invalid("\"inputs\" holds " + inputs.size() + " tensors; the model takes one, \"" + INPUT + "\".");
        }
        return new Parsed(id, texts(inputs.get(0)), outputs(body.get("outputs")));
    }

    private List<String> texts(JsonNode tensor) {
        if (!tensor.isObject()) {
            throw invalid("\"inputs[0]\" must be a tensor object.");
        }
        if (!INPUT.equals(string(tensor, "name"))) {
            throw invalid("\"inputs[0].name\" must be \"" + INPUT + "\", the model's only input.");
        }
        if (!"BYTES".equals(string(tensor, "datatype"))) {
            throw invalid("\"inputs[0].datatype\" must be \"BYTES\": the texts, as JSON strings.");
        }
        JsonNode parameters = tensor.get("parameters");
        if (parameters != null && parameters.has("binary_data_size")) {
            throw invalid("Binary tensor data is not supported: send the texts as JSON strings in \"data\".");
        }
        long elements = elements(tensor.get("shape"));
        if (elements == 0) {
            throw invalid("\"inputs[0]\" must hold at least one text.");
        }
        if (elements > maxTexts) {
            throw new PayloadTooLargeException("\"inputs[0]\" holds " + elements + " texts; at most " + maxTexts
                    + " are accepted in one request.");
        }
        JsonNode data = tensor.get("data");
        if (data == null || !data.isArray()) {
            throw invalid("\"inputs[0].data\" must be a list of strings.");
        }
        List<String> texts = new ArrayList<>((int) elements);
        flatten(data, texts, (int) elements);
        if (texts.size() != elements) {
            throw invalid("\"inputs[0].shape\" holds " + elements + " elements but \"data\" holds " + texts.size() + ".");
        }
        return texts;
    }

    /** The product of the dimensions; a shape of [n] and one of [n, 1] both mean n texts. */
    private static long elements(JsonNode shape) {
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
            throw invalid("\"inputs[0].shape\" must be a list of dimensions, such as [2] for two texts.");
        }
        long product = 1;
        for (JsonNode dimension : shape) {
            if (!dimension.isIntegralNumber() || dimension.longValue() < 0) {
                throw invalid("\"inputs[0].shape\" must hold non-negative integers.");
            }
            // Saturate: anything past the count limit is refused as too large anyway.
            product = Math.min(product * Math.min(dimension.longValue(), Integer.MAX_VALUE), Integer.MAX_VALUE);
        }
        return product;
    }

    /** The protocol allows data flattened or nested row-major: either way, texts in order. */
    private void flatten(JsonNode node, List<String> texts, int expected) {
        for (JsonNode item : node) {
            if (item.isArray()) {
                flatten(item, texts, expected);
                continue;
            }
            String where = "inputs[0].data[" + texts.size() + "]";
            if (texts.size() == expected) {
                throw invalid("\"inputs[0].data\" holds more elements than \"inputs[0].shape\" says (" + expected + ").");
            }
            if (!item.isString()) {
                throw invalid("\"" + where + "\" must be a string.");
            }
            String text = item.stringValue();
            if (text.isBlank()) {
                throw invalid("\"" + where + "\" must not be blank.");
            }
            // length() counts UTF-16 units, an upper bound on characters: count code points only near the limit.
            if (text.length() > maxTextChars && text.codePointCount(0, text.length()) > maxTextChars) {
                throw new PayloadTooLargeException("\"" + where + "\" is longer than " + maxTextChars + " characters.");
            }
            texts.add(text);
        }
    }

    private static Set<String> outputs(JsonNode outputs) {
        Set<String> names = new LinkedHashSet<>();
        if (outputs == null || outputs.isNull()) {
            return names;
        }
        if (!outputs.isArray()) {
            throw invalid("\"outputs\" must be a list of {\"name\": ...} objects.");
        }
        for (int i = 0; i < outputs.size(); i++) {
            String name = outputs.get(i).isObject() ? string(outputs.get(i), "name") : null;
            if (name == null || !OUTPUTS.contains(name)) {
                throw invalid("\"outputs[" + i + "].name\" must be \"" + PROBABILITIES + "\" or \"" + LABEL + "\".");
            }
            names.add(name);
        }
        return names;
    }

    private static String string(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(message);
    }
}
