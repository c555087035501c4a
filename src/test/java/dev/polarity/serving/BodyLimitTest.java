package dev.polarity.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.serving.metrics.SentimentMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A body over the cap is refused with a counted 413 problem before the server has read it: the
 * requests below never finish their bodies, so an answer at all shows that nothing waited for
 * them. Raw sockets, because an HTTP client would insist on sending the whole body first.
 */
class BodyLimitTest extends RunningService {

    @Autowired
    PolarityProperties properties;

    @Autowired
    MeterRegistry registry;

    @Test
    void declaredContentLengthOverTheCapIs413BeforeAnyByteIsSent() throws Exception {
        double before = tooLarge();
        try (Socket socket = connect()) {
            send(socket, "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (1L << 40) + "\r\n\r\n");
            assertProblem(readResponse(socket));
        }
        assertThat(tooLarge()).isEqualTo(before + 1);
    }

    @Test
    void chunkedBodyOverTheCapIs413BeforeItEnds() throws Exception {
        double before = tooLarge();
        byte[] text = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        long chunks = properties.bodyLimitBytes() / text.length + 2;
        try (Socket socket = connect()) {
            send(socket, "POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            chunk(socket, "{\"text\": \"".getBytes(StandardCharsets.US_ASCII));
            for (long i = 0; i < chunks; i++) {
                chunk(socket, text);
            }
            // No closing quote, brace or last chunk: the server must not wait for them.
            assertProblem(readResponse(socket));
        }
        assertThat(tooLarge()).isEqualTo(before + 1);
    }

    private void assertProblem(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().get("content-type")).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").intValue()).isEqualTo(413);
        assertThat(problem.get("title").stringValue()).isNotBlank();
        assertThat(problem.get("detail").stringValue()).contains(properties.bodyLimitBytes() + " bytes");
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "trace");
    }

    private double tooLarge() {
        return registry.get(SentimentMetrics.REJECTED).tag("reason", "too_large").counter().count();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void chunk(Socket socket, byte[] data) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    record Response(int status, Map<String, String> headers, String body) {}

    /** Status, headers and body, read no further than the body: the server may keep the connection. */
    private static Response readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line after " + Arrays.toString(line.toByteArray()));
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
