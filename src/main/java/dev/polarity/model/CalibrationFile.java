package dev.polarity.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * calibration.json in a model folder: the temperature its probabilities divide the logits by, and
 * where it was fitted (the held-out text, how many examples, the fit's before and after figures).
 * A folder without one is uncalibrated: temperature 1.
 */
public final class CalibrationFile {
    public static final String NAME = "calibration.json";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private CalibrationFile() {}

    /** The folder's temperature: 1 without the file. */
    public static float temperature(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return 1f;
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode t = root == null || !root.isObject() ? null : root.get("temperature");
        if (t == null || !t.isNumber() || !(t.doubleValue() > 0) || Double.isInfinite(t.doubleValue())) {
            throw new IOException(file + ": \"temperature\" must be a positive number");
        }
        return t.floatValue();
    }

    /** Writes the temperature first, then {@code details} (data, examples, figures before and after). */
    public static void write(Path dir, double temperature, Map<String, Object> details) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("temperature", Math.round(temperature * 10000) / 10000.0);
        root.putAll(details);
        Files.writeString(dir.resolve(NAME), JSON.writeValueAsString(root) + "\n");
    }
}
