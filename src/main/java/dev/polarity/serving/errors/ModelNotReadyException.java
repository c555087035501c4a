package dev.polarity.serving.errors;

/** The model is still loading and warming up, or failed to load: 503. */
public final class ModelNotReadyException extends RuntimeException {
    public ModelNotReadyException(String message) {
        super(message, null, false, false);
    }
}
