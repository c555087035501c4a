package dev.polarity.serving.errors;

import dev.polarity.serving.batching.BatcherClosedException;
import dev.polarity.serving.batching.DeadlineExceededException;
import dev.polarity.serving.batching.QueueFullException;
import dev.polarity.serving.metrics.SentimentMetrics;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import tools.jackson.core.exc.StreamReadException;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.util.DisconnectedClientHelper;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every failure becomes an RFC 9457 problem ({@code application/problem+json}) without a stack
 * trace. Spring's base class covers the framework's own cases (415, 405, 404, 406...); the
 * service's cases are below. Each refusal is counted under a reason from a fixed set.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    static final String RETRY_QUEUE_FULL_SECONDS = "1";
    static final String RETRY_NOT_READY_SECONDS = "5";

    private final SentimentMetrics metrics;

    ProblemHandler(SentimentMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequestException e, HttpServletRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), request, null);
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(PayloadTooLargeException e, HttpServletRequest request) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Request too large", e.getMessage(), request, null);
    }

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<ProblemDetail> queueFull(QueueFullException e, HttpServletRequest request) {
        return problem(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", e.getMessage(), request, RETRY_QUEUE_FULL_SECONDS);
    }

    @ExceptionHandler(ModelNotReadyException.class)
    ResponseEntity<ProblemDetail> notReady(ModelNotReadyException e, HttpServletRequest request) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Model not ready", e.getMessage(), request, RETRY_NOT_READY_SECONDS);
    }

    /** Counted apart from not_ready: it says the service is overloaded, not that the model is missing. */
    @ExceptionHandler(DeadlineExceededException.class)
    ResponseEntity<ProblemDetail> deadline(DeadlineExceededException e, HttpServletRequest request) {
        metrics.rejected("deadline");
        return build(HttpStatus.SERVICE_UNAVAILABLE, "Deadline exceeded",
                "The request waited in the queue past its deadline and was not computed.", request, RETRY_QUEUE_FULL_SECONDS);
    }

    @ExceptionHandler(BatcherClosedException.class)
    ResponseEntity<ProblemDetail> shuttingDown(BatcherClosedException e, HttpServletRequest request) {
        metrics.rejected("shutting_down");
        return build(HttpStatus.SERVICE_UNAVAILABLE, "Shutting down", e.getMessage(), request, RETRY_NOT_READY_SECONDS);
    }

    /** A bug, not a client error: logged in full here, reported without internals. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // The client went away (gave up waiting, say): nobody to answer, and not a bug.
            log.debug("client disconnected on {} {}: {}", request.getMethod(), request.getRequestURI(), e.toString());
            return null;
        }
        log.error("unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "The request could not be completed; the failure has been logged.", request, null);
    }

    /** Replaces Spring's "Failed to read request", which hides whether the JSON or the content is at fault. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        if (request instanceof ServletWebRequest web && web.getResponse() != null && web.getResponse().isCommitted()) {
            // Tomcat already answered a body it could not read (a broken chunk): a client's mistake, one line.
            log.debug("unreadable body on {}, already answered: {}", web.getRequest().getRequestURI(), ex.getMessage());
            metrics.rejected("invalid");
            return null;
        }
        // The body cap fails a read inside the JSON parser; should a parser wrap that, it is still a 413.
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof PayloadTooLargeException tooLarge && request instanceof ServletWebRequest web) {
                ResponseEntity<ProblemDetail> answer = tooLarge(tooLarge, web.getRequest());
                return new ResponseEntity<>(answer.getBody(), answer.getHeaders(), answer.getStatusCode());
            }
        }
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, duplicateKey(ex)
                ? "The body is not valid JSON for this service: an object repeats a key."
                : "The body is missing or is not valid JSON.");
        body.setTitle("Invalid request");
        return handleExceptionInternal(ex, body, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static boolean duplicateKey(Exception ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof StreamReadException read && String.valueOf(read.getOriginalMessage()).startsWith("Duplicate")) {
                return true;
            }
        }
        return false;
    }

    /** Spring logs this client mistake at WARN under a logger whose name cannot be set in a property: one DEBUG line instead. */
    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
                                                                         HttpHeaders headers, HttpStatusCode status,
                                                                         WebRequest request) {
        log.debug("{}", ex.getMessage());
        return handleExceptionInternal(ex, null, headers, status, request);
    }

    /** Every framework-handled problem passes here: count it. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        metrics.rejected(reason(statusCode.value()));
        // A preset type skips content negotiation, which would otherwise drop the body of a 406
        // (or of anything asked for with an Accept header that excludes problems).
        HttpHeaders problemHeaders = new HttpHeaders();
        problemHeaders.putAll(headers);
        problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return super.handleExceptionInternal(ex, body, problemHeaders, statusCode, request);
    }

    private ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail,
                                                  HttpServletRequest request, String retryAfter) {
        metrics.rejected(reason(status.value()));
        return build(status, title, detail, request, retryAfter);
    }

    private static ResponseEntity<ProblemDetail> build(HttpStatus status, String title, String detail,
                                                       HttpServletRequest request, String retryAfter) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setTitle(title);
        try {
            body.setInstance(URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException ignored) {
            // A path Tomcat let through but URI rejects: the problem stays useful without it.
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        return response.body(body);
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "invalid";
            case 404 -> "not_found";
            case 401 -> "unauthorized";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "queue_full";
            case 503 -> "not_ready";
            default -> "other";
        };
    }
}
