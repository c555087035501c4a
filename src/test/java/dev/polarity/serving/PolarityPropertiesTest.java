package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.util.unit.DataSize;

/** Settings are bound and checked as at start-up: a bad value stops it with a message naming the property. */
class PolarityPropertiesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @EnableConfigurationProperties(PolarityProperties.class)
    static class Settings {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void defaultsBind() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            PolarityProperties settings = context.getBean(PolarityProperties.class);
            assertThat(settings.modelPath()).isEqualTo(Path.of("models/polarity-sst2-minilm"));
            assertThat(settings.maxTokens()).isEqualTo(256);
            assertThat(settings.maxTextChars()).isEqualTo(20_000);
            assertThat(settings.maxBatchTexts()).isEqualTo(64);
            assertThat(settings.batcher().maxWait()).as("an idle inference thread does not wait for a batch to fill").isZero();
            assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(settings.batcher().maxBatchTokens()).isGreaterThanOrEqualTo(settings.maxTokens());
        });
    }

    @Test
    void eachLimitIsCheckedByItsConstraint() {
        assertRefused("polarity.max-tokens=1", "maxTokens", "greater than or equal to 2");
        assertRefused("polarity.max-text-chars=0", "maxTextChars", "greater than 0");
        assertRefused("polarity.max-batch-texts=0", "maxBatchTexts", "greater than 0");
        assertRefused("polarity.batcher.max-batch-size=0", "maxBatchSize", "greater than 0");
        assertRefused("polarity.batcher.max-batch-tokens=0", "maxBatchTokens", "greater than 0");
        assertRefused("polarity.request-timeout=0s", "polarity.request-timeout", "positive");
        assertRefused("polarity.batcher.max-wait=-1ms", "maxWait", "");
        assertRefused("polarity.max-body-bytes=0", "polarity.max-body-bytes", "positive");
    }

    @Test
    void queueMustHoldTheLargestRequestAndTheWarmUpBatch() {
        assertRefused("polarity.batcher.queue-capacity=32", "polarity.batcher.queue-capacity", "polarity.max-batch-texts");
        runner.withPropertyValues("polarity.batcher.queue-capacity=64", "polarity.batcher.max-batch-size=128")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("polarity.batcher.max-batch-size"));
    }

    @Test
    void defaultBodyCapHoldsTheLargestAcceptedRequestHoweverEscaped() {
        PolarityProperties.Batcher batcher = new PolarityProperties.Batcher(16, 2048, Duration.ofMillis(2), 1024, 1, true);
        PolarityProperties defaults = new PolarityProperties(Path.of("m"), 256, 20_000, 64, null, batcher, TIMEOUT);
        // 64 texts of 20,000 characters, each one outside the BMP and written as two escaped surrogates.
        String text = "\"" + "\\uD83D\\uDE00".repeat(20_000) + "\"";
        String body = "{\"texts\": [" + String.join(", ", Collections.nCopies(64, text)) + "]}";
        assertThat(defaults.bodyLimitBytes()).isGreaterThanOrEqualTo(body.getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(16L << 20);
        assertThat(new PolarityProperties(Path.of("m"), 256, 20_000, 64, DataSize.ofMegabytes(2), batcher, TIMEOUT).bodyLimitBytes())
                .isEqualTo(2L << 20);
    }

    /** A constraint's report names the field and says why; a constructor's rule names the property. */
    private void assertRefused(String setting, String names, String reason) {
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).as(setting).hasFailed();
            Throwable failure = context.getStartupFailure();
            Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
            String message = root instanceof BindValidationException bind ? bind.getValidationErrors().getAllErrors().toString()
                    : root.getMessage();
            assertThat(message).as(setting).contains(names).contains(reason);
        });
    }
}
