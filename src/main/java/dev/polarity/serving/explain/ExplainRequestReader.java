package dev.polarity.serving.explain;

import dev.polarity.explain.Method;
import dev.polarity.serving.errors.InvalidRequestException;
import dev.polarity.serving.errors.PayloadTooLargeException;
import dev.polarity.serving.predict.TextRules;
import tools.jackson.databind.JsonNode;

/**
 * Reads /explain's body from the JSON tree, as /predict's reader does, so each mistake gets a 400
 * that names its field (and never quotes the text). The target label is checked later, against
 * the loaded model's labels.
 */
final class ExplainRequestReader {
    static final int DEFAULT_STEPS = 32;
    static final int MAX_STEPS = 256;

    /** @param target a label name, or null for the predicted one */
    record ExplainRequest(String text, Method method, String target, int steps) {}

    private final int maxTextChars;

    ExplainRequestReader(int maxTextChars) {
        this.maxTextChars = maxTextChars;
    }

    ExplainRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("The body must be a JSON object with \"text\" and \"method\".");
        }
        String text = text(body.get("text"));
        Method method = method(body.get("method"));
        String target = target(body.get("target"));
        JsonNode stepsNode = body.get("steps");
        if (stepsNode != null && !stepsNode.isNull() && method != Method.INTEGRATED_GRADIENTS) {
            throw new InvalidRequestException("\"steps\" applies to integrated-gradients only.");
        }
        return new ExplainRequest(text, method, target, steps(stepsNode));
    }

    private String text(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new InvalidRequestException("\"text\" is missing.");
        }
        if (!node.isString()) {
            throw new InvalidRequestException("\"text\" must be a string.");
        }
        String text = node.stringValue();
        if (TextRules.blank(text)) { // the same rules as /predict
            throw new InvalidRequestException("\"text\" must not be blank.");
        }
        if (TextRules.hasLoneSurrogate(text)) {
            throw new InvalidRequestException("\"text\" holds a lone surrogate, which is not valid Unicode.");
        }
        if (text.length() > maxTextChars && text.codePointCount(0, text.length()) > maxTextChars) {
            throw new PayloadTooLargeException("\"text\" is longer than " + maxTextChars + " characters.");
        }
        return text;
    }

    private static Method method(JsonNode node) {
        if (node == null || node.isNull()) {
            return Method.INTEGRATED_GRADIENTS;
        }
        if (!node.isString()) {
            throw new InvalidRequestException("\"method\" must be a string, one of " + Method.names() + ".");
        }
        return Method.byName(node.stringValue()).orElseThrow(() -> new InvalidRequestException(
                "\"method\" must be one of " + Method.names() + "."));
    }

    private static String target(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw new InvalidRequestException("\"target\" must be a label name (a string).");
        }
        return node.stringValue();
    }

    private static int steps(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_STEPS;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 1 || node.intValue() > MAX_STEPS) {
            throw new InvalidRequestException("\"steps\" must be an integer from 1 to " + MAX_STEPS + ".");
        }
        return node.intValue();
    }
}
