package dev.polarity.serving.auth;

import dev.polarity.serving.errors.ProblemJson;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.predict.Endpoints;
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
 * When an API key is set, the model's endpoints need {@code Authorization: Bearer <key>}; health,
 * info and metrics stay open for probes and scrapers. The first filter, so a caller without the
 * key costs next to nothing; the refusal of a full queue at Tomcat's door lets such a caller
 * through to here, so it learns nothing about load.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class BearerKeyCheck extends OncePerRequestFilter {
    private final ApiKey key;
    private final SentimentMetrics metrics;

    BearerKeyCheck(ApiKey key, SentimentMetrics metrics) {
        this.key = key;
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !key.required() || !Endpoints.model(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (!ApiKey.bearer(header)) {
            refuse(response, "This endpoint needs an 'Authorization: Bearer <key>' header.");
        } else if (!key.accepts(header)) {
            refuse(response, "The API key is not valid.");
        } else {
            chain.doFilter(request, response);
        }
    }

    private void refuse(HttpServletResponse response, String detail) throws IOException {
        metrics.rejected("unauthorized");
        ProblemJson.write(response, 401, detail, HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
}
