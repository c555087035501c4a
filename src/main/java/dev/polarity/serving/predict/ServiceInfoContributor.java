package dev.polarity.serving.predict;

import dev.polarity.engine.Engine;
import dev.polarity.model.ModelFiles;
import dev.polarity.serving.PolarityProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /actuator/info}: which model is served and how it scored when it was trained (its
 * eval.json), how the engine runs it, and the request limits. The build's name, version and time
 * come from Spring Boot's own contributor (META-INF/build-info.properties, written by the
 * build-info goal). Nothing here depends on a request, so it is safe to expose.
 */
@Component
class ServiceInfoContributor implements InfoContributor {
    private static final Logger log = LoggerFactory.getLogger(ServiceInfoContributor.class);
    static final String EVAL_FILE = "eval.json";
    /** What eval.json says about the model itself; its training settings stay in the file. */
    private static final List<String> EVAL_FIELDS = List.of("date", "dataset", "examples", "accuracy");

    private final SentimentModel model;
    private final PolarityProperties properties;
    private final Map<String, Object> eval;

    ServiceInfoContributor(SentimentModel model, PolarityProperties properties) {
        this.model = model;
        this.properties = properties;
        this.eval = readEval(properties.modelPath().resolve(EVAL_FILE));
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> about = new LinkedHashMap<>();
        String loaded = model.modelName();
        about.put("name", loaded.isEmpty() ? ModelFiles.name(properties.modelPath()) : loaded);
        about.put("path", properties.modelPath().toString());
        about.put("state", model.state().name().toLowerCase(Locale.ROOT));
        about.put("maxTokens", properties.maxTokens());
        about.put("labels", model.labels());
        if (!eval.isEmpty()) {
            about.put("eval", eval);
        }
        builder.withDetail("model", about);

        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("vectorKernels", Engine.current().vectorKernels());
        engine.put("vectorApiAvailable", Engine.vectorApiAvailable());
        engine.put("kernelThreads", Engine.current().threads());
        builder.withDetail("engine", engine);

        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxTextChars", properties.maxTextChars());
        limits.put("maxBatchTexts", properties.maxBatchTexts());
        limits.put("maxBodyBytes", properties.bodyLimitBytes());
        builder.withDetail("limits", limits);
    }

    /** The model's recorded score; empty when the folder has no eval.json (an imported or untrained model). */
    static Map<String, Object> readEval(Path file) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
            for (String field : EVAL_FIELDS) {
                JsonNode value = root.get(field);
                if (value != null && value.isValueNode() && !value.isNull()) {
                    out.put(field, value.isNumber() ? value.numberValue() : value.asString());
                }
            }
        } catch (JacksonException e) {
            log.warn("{}: not readable, /actuator/info leaves out the model's evaluation: {}", file, e.getOriginalMessage());
        }
        return out;
    }
}
