package dev.polarity.serving.errors;

/** A text or a batch over the configured limits: 413. */
public final class PayloadTooLargeException extends RuntimeException {
    public PayloadTooLargeException(String message) {
        super(message, null, false, false);
    }
}
