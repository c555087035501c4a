package dev.polarity.serving.v2;

/**
 * A model name or version this server does not serve: 404. The message names what is served
 * rather than echoing the path, so a client sees at once what it should have asked for.
 */
final class UnknownModelException extends RuntimeException {
    UnknownModelException(String served, String version) {
        super("Unknown model; this server serves \"" + served + "\", version \"" + version + "\".", null, false, false);
    }
}
