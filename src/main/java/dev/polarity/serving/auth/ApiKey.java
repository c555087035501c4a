package dev.polarity.serving.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The optional API key, as the places that check it see it. Both sides are hashed first and
 * compared with {@link MessageDigest#isEqual}, so the time taken says nothing about how much of a
 * guess was right, nor about the key's length.
 */
@Component
@EnableConfigurationProperties(ApiKeySettings.class)
public final class ApiKey {
    private static final String SCHEME = "Bearer ";
    private final byte[] expected;

    ApiKey(ApiKeySettings settings) {
        String key = settings.key();
        this.expected = key == null ? null : sha256(key);
    }

    /** Whether requests to the model's endpoints must present a key. */
    public boolean required() {
        return expected != null;
    }

    /** Whether an Authorization header (null when absent) is acceptable: always true when no key is set. */
    public boolean accepts(String authorization) {
        return expected == null || bearer(authorization) && MessageDigest.isEqual(expected,
                sha256(authorization.substring(SCHEME.length()).strip()));
    }

    /** Whether the header names the Bearer scheme at all, so a refusal can say which mistake it was. */
    static boolean bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
