package dev.polarity.serving.explain;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds on explanations, under {@code polarity.explain.*}: they run a recorded graph per request,
 * tens to hundreds of times the work of a prediction, so they get their own small pool.
 *
 * @param threads       Explanation threads (never the inference thread).
 * @param queueCapacity Explanations waiting for a thread at most (429 beyond).
 * @param maxTokens     Longest text explained, in word pieces with [CLS] and [SEP] (413 beyond; never truncated).
 * @param timeout       Longest wait for one explanation, queue included (503 beyond; the work is cancelled).
 * @param maxPassTokens Rows x tokens in one forward pass; bounds the memory a recorded graph holds.
 * @param maxDeferral   Longest an explanation waits, before each of its kernels, while /predict has work: explanations
 *                      use the cores /predict leaves idle, and under a saturated /predict they slow down but never stop.
 */
@ConfigurationProperties("polarity.explain")
public record ExplainProperties(
        @DefaultValue("1") int threads,
        @DefaultValue("4") int queueCapacity,
        @DefaultValue("128") int maxTokens,
        @DefaultValue("60s") Duration timeout,
        @DefaultValue("4096") int maxPassTokens,
        @DefaultValue("200ms") Duration maxDeferral) {

    public ExplainProperties {
        require(threads >= 1, "polarity.explain.threads must be positive, got " + threads);
        require(queueCapacity >= 0, "polarity.explain.queue-capacity must not be negative, got " + queueCapacity);
        require(maxTokens >= 3, "polarity.explain.max-tokens must be at least 3 ([CLS], a piece, [SEP]), got " + maxTokens);
        require(timeout.toMillis() > 0, "polarity.explain.timeout must be positive, got " + timeout);
        require(!maxDeferral.isNegative(), "polarity.explain.max-deferral must not be negative, got " + maxDeferral);
        require(maxPassTokens >= maxTokens, "polarity.explain.max-pass-tokens (" + maxPassTokens
                + ") must be at least polarity.explain.max-tokens (" + maxTokens + ")");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
