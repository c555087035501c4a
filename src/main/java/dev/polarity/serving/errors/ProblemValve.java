package dev.polarity.serving.errors;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's error report as an RFC 9457 problem instead of its HTML page: Tomcat answers some
 * requests itself before Spring sees them (a malformed request line or header, a path it will not
 * map such as {@code /../x} or one with a NUL or a raw 0xff byte, a bad Content-Length) and only
 * this valve writes those answers. Public with a no-argument constructor because Tomcat may
 * instantiate its host's error valve by class name.
 */
public final class ProblemValve extends ErrorReportValve {
    private static final Logger log = LoggerFactory.getLogger(ProblemValve.class);

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // The base class's guards: nothing for a success, for a body already written, or twice.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return; // the connection is gone: nobody would read the report
        }
        // A client's mistake is one line at DEBUG, never a stack trace.
        log.debug("answered {} before the application saw the request", status);
        try {
            response.resetBuffer();
            ProblemJson.write(response, status, ProblemJson.detail(status));
        } catch (IOException | IllegalStateException e) {
            log.debug("could not write the {} problem: {}", status, e.toString());
        }
    }
}
