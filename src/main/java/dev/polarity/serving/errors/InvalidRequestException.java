package dev.polarity.serving.errors;

/** A request the service cannot read: 400. The message is shown to the client, so it never quotes input text. */
public final class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
