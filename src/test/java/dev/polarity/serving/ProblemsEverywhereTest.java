package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Every error the server produces, its own and Tomcat's, is an RFC 9457 problem without internals:
 * the cases a bad-input fuzz found answered in HTML, in Spring's older error JSON, empty, or 500.
 */
class ProblemsEverywhereTest extends RunningService {

    @Test
    void theErrorPathItselfIsA404Problem() throws Exception {
        assertProblem(get("/error"), 404);
        assertProblem(post("/error", "application/json", "{}"), 404);
    }

    @Test
    void traceIsA405Problem() throws Exception {
        assertProblem(HTTP.send(HttpRequest.newBuilder(uri("/predict")).timeout(Duration.ofMinutes(1))
                .method("TRACE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()), 405);
    }

    @Test
    void anUnparseableOrUnsatisfiableAcceptIsA406Problem() throws Exception {
        for (String accept : new String[] {";;;==", "text/html"}) {
            assertProblem(HTTP.send(HttpRequest.newBuilder(uri("/predict")).timeout(Duration.ofMinutes(1))
                    .header("Content-Type", "application/json").header("Accept", accept)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"fine\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()), 406);
        }
    }

    @Test
    void requestsTomcatRefusesItselfAreProblems() throws Exception {
        String host = "Host: 127.0.0.1\r\nConnection: close\r\n";
        assertRawProblem(RawHttp.send(port, "GET /../../etc/passwd HTTP/1.1\r\n" + host + "\r\n"), 400);
        assertRawProblem(RawHttp.send(port, "GET /predict%00 HTTP/1.1\r\n" + host + "\r\n"), 400);
        byte[] rawByte = ("GET /pre\u00ffdict HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertRawProblem(RawHttp.send(port, rawByte), 400);
        assertRawProblem(RawHttp.send(port, "POST /predict HTTP/1.1\r\n" + host
                + "Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}"), 400);
        assertRawProblem(RawHttp.send(port, "GET /predict HTTP/1.1\r\n" + host + "X-Big: " + "a".repeat(20_000)
                + "\r\n\r\n"), 400);
    }

    @Test
    void aMalformedChunkedBodyIsA400Problem() throws Exception {
        String head = "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";
        assertRawProblem(RawHttp.send(port, head + "zz\r\n{\"text\": \"x\"}\r\n0\r\n\r\n"), 400);
        assertRawProblem(RawHttp.send(port, head + "5\r\n{\"text\": \"fine\"}\r\n0\r\n\r\n"), 400);
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void clientErrorsLogNoStackTraceAndNothingAboveDebug(CapturedOutput output) throws Exception {
        String host = "Host: 127.0.0.1\r\nConnection: close\r\n";
        RawHttp.send(port, "GET /../../etc/passwd HTTP/1.1\r\n" + host + "\r\n");
        RawHttp.send(port, "POST /predict HTTP/1.1\r\n" + host + "Content-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        get("/predict");
        get("/error");
        postJson("{\"text\": \"unfinished");
        postJson("{\"text\": \"a\", \"text\": \"b\"}");
        // The capture sees the application's log, or this test would prove nothing.
        org.slf4j.LoggerFactory.getLogger(ProblemsEverywhereTest.class).info("log capture works");
        assertThat(output.getAll()).contains("log capture works").doesNotContain("\tat ", " WARN ", " ERROR ");
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertBody(response.body(), status);
    }

    private static void assertRawProblem(RawHttp response, int status) {
        assertThat(response.status()).as(response.head() + "\n\n" + response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).as(response.body()).isEqualTo("application/problem+json");
        assertBody(response.body(), status);
    }

    private static void assertBody(String body, int status) {
        JsonNode json = JSON.readTree(body);
        assertThat(json.get("status").intValue()).isEqualTo(status);
        assertThat(json.get("title").stringValue()).isNotBlank();
        assertThat(body).doesNotContain("Exception", "\tat ", "trace", "Tomcat", "<html");
    }
}
