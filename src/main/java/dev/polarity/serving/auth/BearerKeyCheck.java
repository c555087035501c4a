package dev.polarity.serving.auth;

import dev.polarity.serving.errors.UnauthorizedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Requires {@code Authorization: Bearer <key>}. Both sides are hashed first and compared with
 * {@link MessageDigest#isEqual}, so the time taken says nothing about how much of a guess was
 * right, nor about the key's length.
 */
final class BearerKeyCheck implements HandlerInterceptor {
    private static final String SCHEME = "Bearer ";
    private final byte[] expected;

    BearerKeyCheck(String key) {
        this.expected = sha256(key);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw new UnauthorizedException("This endpoint needs an 'Authorization: Bearer <key>' header.");
        }
        if (!MessageDigest.isEqual(expected, sha256(header.substring(SCHEME.length()).strip()))) {
            throw new UnauthorizedException("The API key is not valid.");
        }
        return true;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
