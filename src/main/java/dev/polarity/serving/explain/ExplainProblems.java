package dev.polarity.serving.explain;

import dev.polarity.serving.metrics.SentimentMetrics;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The two refusals only /explain has, as problems shaped like the service's others; everything
 * else (400, 413, 415, 503 not ready) falls through to the service-wide handler. It must come
 * first: that handler's catch-all would otherwise answer these with a 500.
 */
@RestControllerAdvice(assignableTypes = ExplainController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ExplainProblems {
    static final String RETRY_BUSY_SECONDS = "1";
    static final String RETRY_TIMEOUT_SECONDS = "5";

    private final SentimentMetrics metrics;

    ExplainProblems(SentimentMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(ExplainBusyException.class)
    ResponseEntity<ProblemDetail> busy(ExplainBusyException e, HttpServletRequest request) {
        metrics.rejected("queue_full");
        return problem(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", e.getMessage(), request, RETRY_BUSY_SECONDS);
    }

    @ExceptionHandler(ExplainTimeoutException.class)
    ResponseEntity<ProblemDetail> timeout(ExplainTimeoutException e, HttpServletRequest request) {
        metrics.rejected("other");
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Explanation timed out", e.getMessage(), request, RETRY_TIMEOUT_SECONDS);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail,
                                                         HttpServletRequest request, String retryAfter) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        try {
            body.setInstance(URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException ignored) {
            // a path URI cannot hold: the problem stays useful without it
        }
        return ResponseEntity.status(status).header(HttpHeaders.RETRY_AFTER, retryAfter).body(body);
    }
}
