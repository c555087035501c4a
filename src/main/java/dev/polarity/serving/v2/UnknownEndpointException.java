package dev.polarity.serving.v2;

/** A /v2 path that is not one of the protocol's endpoints this server implements: 404. */
final class UnknownEndpointException extends RuntimeException {
    UnknownEndpointException() {
        super("Not an endpoint of this server: it implements the Open Inference Protocol's health, metadata and "
                + "infer endpoints over JSON, without extensions.", null, false, false);
    }
}
