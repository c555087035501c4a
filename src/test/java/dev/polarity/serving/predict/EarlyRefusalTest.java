package dev.polarity.serving.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.polarity.serving.PolarityServer;
import dev.polarity.serving.metrics.SentimentMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The refusal of a full queue at Tomcat's door, through a real server: 429 problem with
 * Retry-After before the body is read (an unfinished JSON body is never parsed), counted, the
 * connection kept for the next request; callers without the API key are left to the key check, so
 * they learn nothing about load; other methods and paths are not refused.
 */
@SpringBootTest(classes = PolarityServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "polarity.api-key=s3cret-key"})
class EarlyRefusalTest {
    private static final String KEY = "Authorization: Bearer s3cret-key\r\n";

    @LocalServerPort
    int port;

    @MockitoBean
    SentimentModel model;

    @Autowired
    MeterRegistry registry;

    @Test
    void aFullQueueRefusesBeforeTheBodyIsReadAndKeepsTheConnection() throws IOException {
        when(model.queueFull()).thenReturn(true);
        when(model.predict(anyList(), any(), anyLong())).thenReturn(new Scored("m", List.of("negative", "positive"),
                List.of(new Scored.TextScore(1, new float[] {0.25f, 0.75f}, false, 0)), 0, 0, 0));
        double before = refusals();
        try (Connection connection = new Connection(port)) {
            Answer refused = connection.exchange(post(KEY, "{\"text\": \"unfinished"));
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("retry-after")).isEqualTo("1");
            assertThat(refused.header("content-type")).isEqualTo("application/problem+json");
            assertThat(refused.body()).contains("\"status\":429").contains("queue is full");
            verify(model, never()).predict(anyList(), any(), anyLong());
            assertThat(refusals()).isEqualTo(before + 1);
            assertThat(registry.get("http.server.requests").tag("uri", "/predict").tag("status", "429").timer().count())
                    .isPositive();

            when(model.queueFull()).thenReturn(false);
            Answer served = connection.exchange(post(KEY, "{\"text\": \"I loved it\"}"));
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.body()).contains("positive");
        }
    }

    @Test
    void callersWithoutTheKeyAreToldOnlyThatTheyNeedOne() throws IOException {
        when(model.queueFull()).thenReturn(true);
        for (String authorization : new String[] {"", "Authorization: Bearer wrong\r\n"}) {
            try (Connection connection = new Connection(port)) {
                Answer answer = connection.exchange(post(authorization, "{\"text\": \"I loved it\"}"));
                assertThat(answer.status()).isEqualTo(401);
                assertThat(answer.header("retry-after")).isNull();
            }
        }
    }

    @Test
    void otherMethodsAndPathsAreNotRefused() throws IOException {
        when(model.queueFull()).thenReturn(true);
        try (Connection connection = new Connection(port)) {
            assertThat(connection.exchange(request("GET /predict", KEY, null)).status()).isEqualTo(405);
            assertThat(connection.exchange(request("GET /actuator/health/liveness", "", null)).status()).isEqualTo(200);
        }
    }

    private double refusals() {
        return registry.get(SentimentMetrics.REJECTED).tag("reason", "queue_full").counter().count();
    }

    private static byte[] post(String authorization, String json) {
        return request("POST /predict", authorization, json);
    }

    private static byte[] request(String line, String headers, String json) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        String head = line + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                + (json == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
        byte[] all = new byte[head.length() + body.length];
        System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, all, 0, head.length());
        System.arraycopy(body, 0, all, head.length(), body.length);
        return all;
    }

    private record Answer(int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                    return line.substring(name.length() + 1).strip();
                }
            }
            return null;
        }
    }

    /** One kept-alive connection; answers are read by their Content-Length or their chunks. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            in = socket.getInputStream();
        }

        Answer exchange(byte[] request) throws IOException {
            socket.getOutputStream().write(request);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the server closed the connection: " + head);
                }
                head.write(b);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1).strip();
            Answer headOnly = new Answer(Integer.parseInt(text.substring(9, 12)), text, "");
            String length = headOnly.header("content-length");
            byte[] body = length != null ? in.readNBytes(Integer.parseInt(length))
                    : "chunked".equals(headOnly.header("transfer-encoding")) ? chunks() : new byte[0];
            return new Answer(headOnly.status(), text, new String(body, StandardCharsets.UTF_8));
        }

        private byte[] chunks() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line(), 16)) > 0; line()) {
                body.write(in.readNBytes(size));
            }
            line();
            return body.toByteArray();
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
                line.append((char) b);
            }
            return line.toString().strip();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
