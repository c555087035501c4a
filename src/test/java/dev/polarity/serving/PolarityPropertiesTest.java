package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad settings stop the start-up with a message naming the property. */
class PolarityPropertiesTest {

    @Test
    void queueMustHoldTheLargestRequest() {
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 256, 20_000, 64,
                new PolarityProperties.Batcher(16, Duration.ofMillis(2), 32)))
                .hasMessageContaining("polarity.batcher.queue-capacity");
    }

    @Test
    void limitsMustBePositive() {
        PolarityProperties.Batcher batcher = new PolarityProperties.Batcher(16, Duration.ofMillis(2), 1024);
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 1, 20_000, 64, batcher)).hasMessageContaining("max-tokens");
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 256, 0, 64, batcher)).hasMessageContaining("max-text-chars");
        assertThatThrownBy(() -> new PolarityProperties(Path.of("m"), 256, 20_000, 0, batcher)).hasMessageContaining("max-batch-texts");
        assertThatThrownBy(() -> new PolarityProperties.Batcher(0, Duration.ZERO, 1)).hasMessageContaining("max-batch-size");
    }
}
