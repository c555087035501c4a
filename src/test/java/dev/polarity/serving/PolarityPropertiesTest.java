package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/** Bad settings stop the start-up with a message naming the property. */
class PolarityPropertiesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void queueMustHoldTheLargestRequest() {
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 256, 20_000, 64, null,
                new PolarityProperties.Batcher(16, 2048, Duration.ofMillis(2), 32), TIMEOUT))
                .hasMessageContaining("polarity.batcher.queue-capacity");
    }

    @Test
    void byDefaultAnIdleInferenceThreadDoesNotWaitForABatchToFill() {
        PolarityProperties defaults = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("polarity", PolarityProperties.class);
        assertThat(defaults.batcher().maxWait()).isZero();
        assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.batcher().maxBatchTokens()).isGreaterThanOrEqualTo(defaults.maxTokens());
    }

    @Test
    void limitsMustBePositive() {
        PolarityProperties.Batcher batcher = new PolarityProperties.Batcher(16, 2048, Duration.ofMillis(2), 1024);
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 1, 20_000, 64, null, batcher, TIMEOUT)).hasMessageContaining("max-tokens");
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 256, 0, 64, null, batcher, TIMEOUT)).hasMessageContaining("max-text-chars");
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 256, 20_000, 0, null, batcher, TIMEOUT)).hasMessageContaining("max-batch-texts");
        assertThatThrownBy(() -> new PolarityProperties.Batcher(0, 2048, Duration.ZERO, 1)).hasMessageContaining("max-batch-size");
        assertThatThrownBy(() -> new PolarityProperties.Batcher(16, 0, Duration.ZERO, 1)).hasMessageContaining("max-batch-tokens");
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 256, 20_000, 64, DataSize.ofBytes(0), batcher, TIMEOUT))
                .hasMessageContaining("max-body-bytes");
    }

    @Test
    void defaultBodyCapHoldsTheLargestAcceptedRequestHoweverEscaped() {
        PolarityProperties.Batcher batcher = new PolarityProperties.Batcher(16, 2048, Duration.ofMillis(2), 1024);
        PolarityProperties defaults = new PolarityProperties(Path.of("m"), 256, 20_000, 64, null, batcher, TIMEOUT);
        // 64 texts of 20,000 characters, each one outside the BMP and written as two escaped surrogates.
        String text = "\"" + "\\uD83D\\uDE00".repeat(20_000) + "\"";
        String body = "{\"texts\": [" + String.join(", ", Collections.nCopies(64, text)) + "]}";
        assertThat(defaults.bodyLimitBytes()).isGreaterThanOrEqualTo(body.getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(16L << 20);
        assertThat(new PolarityProperties(Path.of("m"), 256, 20_000, 64, DataSize.ofMegabytes(2), batcher, TIMEOUT).bodyLimitBytes())
                .isEqualTo(2L << 20);
    }
}
