package dev.polarity.serving.errors;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /error} as a problem. The servlet container forwards here whatever was refused with
 * {@code sendError} outside Spring MVC's handlers (TRACE, a body that breaks chunked encoding
 * while it is read); Spring Boot's own controller answered those in its older JSON shape, and a
 * plain {@code GET /error}, which carries no error, with a 500. Without an error it is a 404 like
 * any other path no one serves. The content type is set here, so an Accept header that asks for
 * something else, or cannot be parsed, does not turn the answer into an empty 406.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c && c >= 400 && c <= 599 ? c : HttpStatus.NOT_FOUND.value();
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), ProblemJson.detail(status));
        body.setTitle(ProblemJson.title(status));
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
