package dev.polarity.serving.predict;

import dev.polarity.serving.errors.InvalidRequestException;
import dev.polarity.serving.errors.PayloadTooLargeException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads the three request shapes from a JSON tree. Binding to a record would let Jackson coerce
 * {@code 5} into {@code "5"} and blur which field was wrong; reading the tree gives every mistake
 * its own 400 message. Messages name fields and positions, never the text itself.
 */
final class RequestReader {

    /** How the answer must be shaped: as the request was. */
    enum Shape { TEXT, TEXTS, INPUTS_ONE, INPUTS_MANY }

    record Parsed(Shape shape, List<String> texts, LongTexts longTexts) {}

    private final int maxTextChars;
    private final int maxTexts;

    RequestReader(int maxTextChars, int maxTexts) {
        this.maxTextChars = maxTextChars;
        this.maxTexts = maxTexts;
    }

    Parsed read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("The body must be a JSON object with \"text\", \"texts\" or \"inputs\".");
        }
        int given = (body.has("text") ? 1 : 0) + (body.has("texts") ? 1 : 0) + (body.has("inputs") ? 1 : 0);
        if (given == 0) {
            throw new InvalidRequestException("Missing \"text\" (one string), \"texts\" (a list) or \"inputs\".");
        }
        if (given > 1) {
            throw new InvalidRequestException("Give only one of \"text\", \"texts\" and \"inputs\".");
        }
        LongTexts longTexts = longTexts(body);
        if (body.has("text")) {
            return new Parsed(Shape.TEXT, List.of(text(body.get("text"), "text")), longTexts);
        }
        if (body.has("texts")) {
            return new Parsed(Shape.TEXTS, list(body.get("texts"), "texts"), longTexts);
        }
        JsonNode inputs = body.get("inputs");
        if (inputs.isArray()) {
            return new Parsed(Shape.INPUTS_MANY, list(inputs, "inputs"), longTexts);
        }
        return new Parsed(Shape.INPUTS_ONE, List.of(text(inputs, "inputs")), longTexts);
    }

    /** {@code "truncate": false} refuses texts over the token limit; {@code "long_text": "chunk"} reads them in windows. */
    private static LongTexts longTexts(JsonNode body) {
        JsonNode truncate = body.get("truncate");
        if (truncate != null && !truncate.isBoolean()) {
            throw new InvalidRequestException("\"truncate\" must be true or false.");
        }
        JsonNode longText = body.get("long_text");
        if (longText != null && !(longText.isString() && List.of("truncate", "chunk").contains(longText.stringValue()))) {
            throw new InvalidRequestException("\"long_text\" must be \"truncate\" or \"chunk\".");
        }
        boolean chunk = longText != null && longText.stringValue().equals("chunk");
        if (chunk && truncate != null && truncate.booleanValue()) {
            throw new InvalidRequestException("\"truncate\": true and \"long_text\": \"chunk\" contradict each other.");
        }
        if (chunk) {
            return LongTexts.CHUNK;
        }
        return truncate != null && !truncate.booleanValue() ? LongTexts.REFUSE : LongTexts.TRUNCATE;
    }

    private List<String> list(JsonNode node, String field) {
        if (!node.isArray()) {
            throw new InvalidRequestException("\"" + field + "\" must be a list of strings.");
        }
        if (node.isEmpty()) {
            throw new InvalidRequestException("\"" + field + "\" must hold at least one text.");
        }
        if (node.size() > maxTexts) {
            throw new PayloadTooLargeException("\"" + field + "\" holds " + node.size() + " texts; at most " + maxTexts
                    + " are accepted in one request.");
        }
        List<String> texts = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            texts.add(text(node.get(i), field + "[" + i + "]"));
        }
        return texts;
    }

    private String text(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            throw new InvalidRequestException("\"" + where + "\" is missing.");
        }
        if (!node.isString()) {
            throw new InvalidRequestException("\"" + where + "\" must be a string.");
        }
        String text = node.stringValue();
        if (TextRules.hasLoneSurrogate(text)) {
            throw new InvalidRequestException("\"" + where + "\" is not valid Unicode: it holds a lone surrogate.");
        }
        if (TextRules.blank(text)) {
            throw new InvalidRequestException("\"" + where + "\" must not be blank.");
        }
        // length() counts UTF-16 units, an upper bound on characters: count code points only near the limit.
        if (text.length() > maxTextChars && text.codePointCount(0, text.length()) > maxTextChars) {
            throw new PayloadTooLargeException("\"" + where + "\" is longer than " + maxTextChars + " characters.");
        }
        return text;
    }
}
