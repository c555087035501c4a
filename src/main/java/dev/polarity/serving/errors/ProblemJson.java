package dev.polarity.serving.errors;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * A problem body written by hand, for the places where Spring's message converters are not there
 * to write one (Tomcat's error report valve, the filters that refuse work before Spring MVC runs,
 * where the refusal must cost next to nothing). Only fixed strings and the status go in: never the
 * request's path, headers or exception text.
 */
public final class ProblemJson {
    private ProblemJson() {}

    /** Writes a problem with its own header, e.g. Retry-After or WWW-Authenticate (both may be null). */
    public static void write(HttpServletResponse response, int status, String detail, String header, String value)
            throws IOException {
        if (header != null) {
            response.setHeader(header, value);
        }
        write(response, status, detail);
    }

    static String title(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }

    static String body(int status, String detail) {
        return "{\"type\":\"about:blank\",\"title\":\"" + title(status) + "\",\"status\":" + status
                + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    static void write(HttpServletResponse response, int status, String detail) throws IOException {
        byte[] bytes = body(status, detail).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }

    /** What a client may be told about a status the server set without a message of ours. */
    static String detail(int status) {
        return switch (status) {
            case 400 -> "The request could not be read as HTTP: a malformed request line, header or body.";
            case 404 -> "There is nothing at this path.";
            case 405 -> "This method is not allowed here.";
            case 406 -> "The Accept header is malformed or asks for a type this endpoint cannot produce.";
            case 408 -> "The request took too long to arrive.";
            case 411 -> "A body needs a Content-Length or chunked encoding.";
            case 413 -> "The request is too large.";
            case 414 -> "The request line is too long.";
            case 415 -> "The body's media type is not supported here.";
            case 431 -> "The request's headers are too large.";
            case 501 -> "This method or transfer encoding is not implemented.";
            case 503 -> "The service is unavailable; retry shortly.";
            default -> status >= 500 ? "The request could not be completed." : "The request was refused.";
        };
    }
}
