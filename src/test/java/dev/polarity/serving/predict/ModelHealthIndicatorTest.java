package dev.polarity.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** Readiness follows the model: out of service while loading, up once warm, down when loading failed. */
class ModelHealthIndicatorTest {
    private final SentimentModel model = mock(SentimentModel.class);
    private final ModelHealthIndicator health = new ModelHealthIndicator(model);

    @Test
    void loadingIsOutOfService() {
        when(model.state()).thenReturn(SentimentModel.State.LOADING);
        assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void readyIsUp() {
        when(model.state()).thenReturn(SentimentModel.State.READY);
        when(model.modelName()).thenReturn("m");
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails()).containsEntry("model", "m");
    }

    @Test
    void failedIsDown() {
        when(model.state()).thenReturn(SentimentModel.State.FAILED);
        when(model.failure()).thenReturn("no config.json");
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void stoppingIsOutOfService() {
        when(model.state()).thenReturn(SentimentModel.State.STOPPED);
        assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }
}
