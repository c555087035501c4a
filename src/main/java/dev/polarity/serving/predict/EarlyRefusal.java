package dev.polarity.serving.predict;

import dev.polarity.serving.errors.ProblemJson;
import dev.polarity.serving.metrics.SentimentMetrics;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses /predict with 429 before its body is read or parsed, and before Spring MVC runs, when
 * the queue is already full. The batcher's admission would refuse it anyway once the texts are
 * counted; but under a 10x overload most requests arrive to a full queue, and reading, parsing
 * and dispatching them, and serializing their problems, took cores from the requests that had
 * been accepted. Runs after the API key check, so it tells a stranger nothing about load.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class EarlyRefusal extends OncePerRequestFilter {
    private final SentimentModel model;
    private final SentimentMetrics metrics;

    EarlyRefusal(SentimentModel model, SentimentMetrics metrics) {
        this.model = model;
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !Endpoints.queued(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (model.queueFull()) {
            metrics.rejected("queue_full");
            ProblemJson.write(response, 429, "The inference queue is full; retry shortly.", HttpHeaders.RETRY_AFTER, "1");
            return;
        }
        chain.doFilter(request, response);
    }
}
