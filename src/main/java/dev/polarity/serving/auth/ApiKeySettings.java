package dev.polarity.serving.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The optional API key, under {@code polarity.*}. Off by default. A file (a mounted Kubernetes
 * Secret, say) keeps the key out of the environment and the process list; its trailing newline is
 * not part of the key.
 *
 * @param apiKey     The key /predict and /explain require as "Authorization: Bearer KEY"; unset, none is required.
 * @param apiKeyFile A file holding the key instead (a mounted Secret; its trailing newline is ignored).
 */
@ConfigurationProperties("polarity")
record ApiKeySettings(String apiKey, Path apiKeyFile) {

    ApiKeySettings {
        if (apiKey != null && !apiKey.isEmpty() && apiKeyFile != null) {
            throw new IllegalArgumentException("set polarity.api-key or polarity.api-key-file, not both");
        }
    }

    /** The key requests must present, or null when none is required. */
    String key() {
        String key = apiKey;
        if (apiKeyFile != null) {
            try {
                key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("polarity.api-key-file " + apiKeyFile + " cannot be read", e);
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException("polarity.api-key-file " + apiKeyFile + " is empty");
            }
        }
        return key == null || key.isEmpty() ? null : key;
    }
}
