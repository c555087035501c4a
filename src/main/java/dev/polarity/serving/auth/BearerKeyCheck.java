package dev.polarity.serving.auth;

import dev.polarity.serving.errors.ProblemJson;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.predict.Endpoints;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * When an API key is set, the model's endpoints need {@code Authorization: Bearer <key>}; health,
 * info and metrics stay open for probes and scrapers. A filter, ahead of the early refusal under
 * overload, so a caller without the key learns nothing about load and costs next to nothing.
 * Both sides are hashed first and compared with {@link MessageDigest#isEqual}, so the time taken
 * says nothing about how much of a guess was right, nor about the key's length.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
@EnableConfigurationProperties(ApiKeySettings.class)
class BearerKeyCheck extends OncePerRequestFilter {
    private static final String SCHEME = "Bearer ";
    private final byte[] expected;
    private final SentimentMetrics metrics;

    BearerKeyCheck(ApiKeySettings settings, SentimentMetrics metrics) {
        String key = settings.key();
        this.expected = key == null ? null : sha256(key);
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return expected == null || !Endpoints.model(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            refuse(response, "This endpoint needs an 'Authorization: Bearer <key>' header.");
        } else if (!MessageDigest.isEqual(expected, sha256(header.substring(SCHEME.length()).strip()))) {
            refuse(response, "The API key is not valid.");
        } else {
            chain.doFilter(request, response);
        }
    }

    private void refuse(HttpServletResponse response, String detail) throws IOException {
        metrics.rejected("unauthorized");
        ProblemJson.write(response, 401, detail, HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
