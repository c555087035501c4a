package dev.polarity.serving;

import dev.polarity.engine.Engine;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The engine's switches under {@code polarity.engine.*}: the one place the server reads them.
 *
 * @param vectorKernels the jdk.incubator.vector kernels where the module is present (false: the scalar twins).
 * @param threads       kernel threads; 0 means one per core.
 * @param fastPath      no-grad eval inference on the fast path (false: on the recorded module path, to compare or debug).
 */
@ConfigurationProperties("polarity.engine")
public record EngineProperties(
        @DefaultValue("true") boolean vectorKernels,
        @DefaultValue("0") int threads,
        @DefaultValue("true") boolean fastPath) {

    public EngineProperties {
        if (threads < 0) {
            throw new IllegalArgumentException("polarity.engine.threads must be 0 (one per core) or positive, got " + threads);
        }
    }

    /** The settings to hand to {@link Engine#configure}. */
    public Engine.Settings settings() {
        return new Engine.Settings(vectorKernels, threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
    }
}
