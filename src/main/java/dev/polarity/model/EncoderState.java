package dev.polarity.model;

import dev.polarity.engine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The encoder's weights out of a base folder's safetensors: an imported encoder as it is, or a
 * classifier written by {@code train} (its {@code bert.} weights, without the head); optionally
 * only the first layers, for a shallower student that starts where the deeper model's lower
 * layers are.
 */
public final class EncoderState {
    private static final String CLASSIFIER_PREFIX = "bert.";
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private EncoderState() {}

    /** {@code layers <= 0} keeps every layer. */
    public static Map<String, Tensor> of(Map<String, Tensor> stored, int layers) {
        boolean classifier = stored.keySet().stream().anyMatch(k -> k.startsWith(CLASSIFIER_PREFIX));
        Map<String, Tensor> encoder = new LinkedHashMap<>();
        stored.forEach((key, tensor) -> {
            if (classifier && !key.startsWith(CLASSIFIER_PREFIX)) {
                return; // the head: a shallower or fresh model learns its own
            }
            String name = classifier ? key.substring(CLASSIFIER_PREFIX.length()) : key;
            if (layers > 0) {
                Matcher m = LAYER.matcher(name);
                if (m.find() && Integer.parseInt(m.group(1)) >= layers) {
                    return;
                }
            }
            encoder.put(name, tensor);
        });
        return encoder;
    }
}
