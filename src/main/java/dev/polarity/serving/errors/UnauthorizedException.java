package dev.polarity.serving.errors;

/** The API key is required and missing or wrong: 401. */
public final class UnauthorizedException extends RuntimeException {
    public UnauthorizedException(String message) {
        super(message, null, false, false);
    }
}
