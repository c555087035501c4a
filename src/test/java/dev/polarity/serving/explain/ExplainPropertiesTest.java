package dev.polarity.serving.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** polarity.explain.* binds with its defaults, and a bad value stops the start-up with a line naming it. */
class ExplainPropertiesTest {

    private static ExplainProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("polarity.explain", ExplainProperties.class);
    }

    @Test
    void defaultsAndOverrides() {
        ExplainProperties defaults = bind(Map.of());
        assertThat(defaults.threads()).isEqualTo(1);
        assertThat(defaults.queueCapacity()).isEqualTo(4);
        assertThat(defaults.maxTokens()).isEqualTo(128);
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(60));
        ExplainProperties set = bind(Map.of("polarity.explain.threads", "2", "polarity.explain.timeout", "5s"));
        assertThat(set.threads()).isEqualTo(2);
        assertThat(set.timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badValuesAreRefusedByName() {
        assertThatThrownBy(() -> bind(Map.of("polarity.explain.threads", "0")))
                .rootCause().hasMessageContaining("polarity.explain.threads");
        assertThatThrownBy(() -> bind(Map.of("polarity.explain.max-pass-tokens", "64")))
                .rootCause().hasMessageContaining("polarity.explain.max-pass-tokens");
    }
}
