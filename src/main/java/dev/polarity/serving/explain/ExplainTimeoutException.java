package dev.polarity.serving.explain;

import java.time.Duration;

/** An explanation did not finish within polarity.explain.timeout: 503 with Retry-After. */
final class ExplainTimeoutException extends RuntimeException {
    ExplainTimeoutException(Duration timeout) {
        super("The explanation did not finish within " + timeout.toMillis() + " ms; try fewer steps, a shorter text or "
                + "another method.", null, false, false);
    }
}
