package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The configuration processor's metadata, what IDEs complete polarity.* settings from: every
 * setting has a description (the record's Javadoc), and the defaults it states are the ones
 * application.properties repeats for readers, so the two cannot drift apart.
 */
class SettingsMetadataTest {

    @Test
    void everySettingHasADescriptionAndTheDefaultApplicationPropertiesRepeats() throws Exception {
        Map<String, JsonNode> metadata = metadata();
        assertThat(metadata).containsKeys("polarity.model-path", "polarity.max-tokens", "polarity.max-text-chars",
                "polarity.max-batch-texts", "polarity.max-body-bytes", "polarity.batcher.max-batch-size",
                "polarity.batcher.max-wait", "polarity.batcher.queue-capacity");
        metadata.forEach((name, property) -> {
            assertThat(property.path("description").asString()).as(name + " description").isNotBlank().endsWith(".");
            assertThat(property.path("type").asString()).as(name + " type").isNotBlank();
        });

        Properties app = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
        for (String key : app.stringPropertyNames()) {
            if (key.startsWith("polarity.")) {
                assertThat(metadata).as("metadata for " + key).containsKey(key);
                assertThat(metadata.get(key).path("defaultValue").asString()).as(key + " default").isEqualTo(app.getProperty(key));
            }
        }
        // Unset means derived: no default to state.
        assertThat(metadata.get("polarity.max-body-bytes").has("defaultValue")).isFalse();
    }

    private static Map<String, JsonNode> metadata() throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        try (InputStream in = SettingsMetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json: is the configuration processor on?").isNotNull();
            JsonNode root = JsonMapper.builder().build().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            for (JsonNode property : root.get("properties")) {
                String name = property.get("name").asString();
                if (name.startsWith("polarity.")) {
                    out.put(name, property);
                }
            }
        }
        return out;
    }
}
