package dev.polarity.serving.predict;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health contributor "model", part of the readiness group only (application.properties): the
 * service takes traffic once the model is loaded and warmed up. Liveness does not include it, so
 * a slow load or a bad model folder never gets the process restarted in a loop.
 */
@Component
class ModelHealthIndicator implements HealthIndicator {
    private final SentimentModel model;

    ModelHealthIndicator(SentimentModel model) {
        this.model = model;
    }

    @Override
    public Health health() {
        return switch (model.state()) {
            case READY -> Health.up().withDetail("model", model.modelName()).build();
            case LOADING -> Health.outOfService().withDetail("state", "loading").build();
            case FAILED -> Health.down().withDetail("state", "failed").withDetail("error", model.failure()).build();
            case STOPPED -> Health.outOfService().withDetail("state", "stopped").build();
        };
    }
}
