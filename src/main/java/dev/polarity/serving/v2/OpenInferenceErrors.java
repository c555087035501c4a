package dev.polarity.serving.v2;

import dev.polarity.serving.batching.BatcherClosedException;
import dev.polarity.serving.batching.QueueFullException;
import dev.polarity.serving.errors.InvalidRequestException;
import dev.polarity.serving.errors.ModelNotReadyException;
import dev.polarity.serving.errors.PayloadTooLargeException;
import dev.polarity.serving.metrics.SentimentMetrics;
import dev.polarity.serving.v2.V2Messages.Error;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Failures of the Open Inference Protocol's endpoints, answered as the protocol says: a JSON
 * object {@code {"error": "..."}} and the status that fits, not an RFC 9457 problem. It applies
 * only to {@link OpenInferenceController} and runs before the service-wide problem advice, which
 * keeps answering /predict. Refusals are counted under the same reasons as /predict's.
 */
@RestControllerAdvice(assignableTypes = OpenInferenceController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class OpenInferenceErrors {
    private static final Logger log = LoggerFactory.getLogger(OpenInferenceErrors.class);
    static final String RETRY_QUEUE_FULL_SECONDS = "1";
    static final String RETRY_NOT_READY_SECONDS = "5";

    private final SentimentMetrics metrics;

    OpenInferenceErrors(SentimentMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(UnknownModelException.class)
    ResponseEntity<Error> unknownModel(UnknownModelException e) {
        return error(HttpStatus.NOT_FOUND, "not_found", e.getMessage(), null);
    }

    @ExceptionHandler(UnknownEndpointException.class)
    ResponseEntity<Error> unknownEndpoint(UnknownEndpointException e) {
        return error(HttpStatus.NOT_FOUND, "not_found", e.getMessage(), null);
    }

    /** Triton's clients send binary tensors as application/octet-stream unless told binary_data=False. */
    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Error> notJson(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "The body must be JSON "
                + "(Content-Type: application/json); the binary tensor extension is not supported.", null);
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<Error> invalid(InvalidRequestException e) {
        return error(HttpStatus.BAD_REQUEST, "invalid", e.getMessage(), null);
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<Error> tooLarge(PayloadTooLargeException e) {
        return error(HttpStatus.CONTENT_TOO_LARGE, "too_large", e.getMessage(), null);
    }

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<Error> queueFull(QueueFullException e) {
        return error(HttpStatus.TOO_MANY_REQUESTS, "queue_full", e.getMessage(), RETRY_QUEUE_FULL_SECONDS);
    }

    @ExceptionHandler(ModelNotReadyException.class)
    ResponseEntity<Error> notReady(ModelNotReadyException e) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, "not_ready", e.getMessage(), RETRY_NOT_READY_SECONDS);
    }

    @ExceptionHandler(BatcherClosedException.class)
    ResponseEntity<Error> shuttingDown(BatcherClosedException e) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, "shutting_down", e.getMessage(), RETRY_NOT_READY_SECONDS);
    }

    /** Malformed JSON; or the body cap, which fails a read inside the parser: still a 413. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Error> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof PayloadTooLargeException tooLarge) {
                return tooLarge(tooLarge);
            }
        }
        return error(HttpStatus.BAD_REQUEST, "invalid", "The body is missing or is not valid JSON.", null);
    }

    /** The framework's own refusals (415 and the like) keep their status; anything else is a bug, logged here. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Error> other(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse framework && framework.getStatusCode().is4xxClientError()) {
            HttpStatusCode status = framework.getStatusCode();
            String detail = framework.getBody().getDetail();
            return error(status, status.value() == 404 ? "not_found" : "other",
                    detail == null ? "The request was refused." : detail, null);
        }
        log.error("unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "other",
                "The request could not be completed; the failure has been logged.", null);
    }

    private ResponseEntity<Error> error(HttpStatusCode status, String reason, String message, String retryAfter) {
        metrics.rejected(reason);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return response.body(new Error(message));
    }
}
