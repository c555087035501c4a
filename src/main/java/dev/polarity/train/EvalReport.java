package dev.polarity.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;

/** eval.json: what the shipped model scores, when, and with which settings it was trained. */
final class EvalReport {
    private EvalReport() {}

    static void write(Path dir, Metrics m, TrainSettings s, double trainExamplesPerSecond, double minutes) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("date", LocalDate.now().toString());
        root.put("dataset", s.dev().getFileName().toString());
        root.putAll(m.toMap());
        root.put("training", Map.of(
                "examples_per_second", Math.round(trainExamplesPerSecond * 10) / 10.0,
                "minutes", Math.round(minutes * 10) / 10.0));
        root.put("settings", s.toMap());
        ObjectMapper json = new ObjectMapper();
        Files.writeString(dir.resolve("eval.json"),
                json.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n");
    }
}
