package dev.polarity.serving.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.serving.PolarityProperties;
import dev.polarity.serving.metrics.SentimentMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;
import org.springframework.web.context.request.ServletWebRequest;

/** The cap counts every byte read, reads at most one past it, and trusts a declared length at once. */
class BodyLimitFilterTest {
    private static final int CAP = 100;

    @Test
    void bodyUpToTheCapIsReadWhole() throws Exception {
        assertThat(capped(request(CAP, true)).getInputStream().readAllBytes()).hasSize(CAP);
        assertThat(capped(request(CAP, false)).getInputStream().readAllBytes()).hasSize(CAP);
        assertThat(capped(request(CAP, false)).getReader().lines().mapToInt(String::length).sum()).isEqualTo(CAP);
    }

    @Test
    void undeclaredBodyFailsOnTheReadThatPassesTheCap() throws Exception {
        MockHttpServletRequest original = request(10_000, false);
        HttpServletRequest capped = capped(original);
        byte[] buffer = new byte[8192];
        assertThat(capped.getInputStream().read(buffer, 0, CAP)).isEqualTo(CAP);
        assertThatThrownBy(() -> capped.getInputStream().read(buffer)).isInstanceOf(PayloadTooLargeException.class)
                .hasMessage("The request body is larger than " + CAP + " bytes.");
        // One byte past the cap was taken from the connection, no more; later reads keep failing.
        assertThat(original.getInputStream().available()).isEqualTo(10_000 - CAP - 1);
        assertThatThrownBy(() -> capped.getInputStream().read()).isInstanceOf(PayloadTooLargeException.class);
        assertThatThrownBy(() -> capped(request(10_000, false)).getReader().read(new char[8192]))
                .isInstanceOf(PayloadTooLargeException.class);
    }

    @Test
    void declaredLengthOverTheCapFailsBeforeAnyByteIsRead() throws Exception {
        MockHttpServletRequest original = request(CAP + 1, true);
        HttpServletRequest capped = capped(original);
        assertThatThrownBy(() -> capped.getInputStream().read()).isInstanceOf(PayloadTooLargeException.class);
        assertThat(original.getInputStream().available()).isEqualTo(CAP + 1);
    }

    @Test
    void capFailureWrappedByTheParserIsStill413AndCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ProblemHandler handler = new ProblemHandler(new SentimentMetrics(registry));
        PayloadTooLargeException cap = BodyLimitFilter.tooLarge(CAP);
        HttpMessageNotReadableException wrapped = new HttpMessageNotReadableException("JSON parse error",
                new IllegalStateException("parser failure", cap), new MockHttpInputMessage(new byte[0]));
        ResponseEntity<Object> answer = handler.handleHttpMessageNotReadable(wrapped, null, null,
                new ServletWebRequest(new MockHttpServletRequest("POST", "/predict")));
        assertThat(answer.getStatusCode().value()).isEqualTo(413);
        assertThat(((ProblemDetail) answer.getBody()).getDetail()).isEqualTo(cap.getMessage());
        assertThat(registry.get(SentimentMetrics.REJECTED).tag("reason", "too_large").counter().count()).isEqualTo(1);
    }

    private static MockHttpServletRequest request(int bytes, boolean declared) {
        MockHttpServletRequest request = declared ? new MockHttpServletRequest() : new MockHttpServletRequest() {
            @Override
            public long getContentLengthLong() {
                return -1; // chunked
            }

            @Override
            public int getContentLength() {
                return -1;
            }
        };
        request.setMethod("POST");
        request.setContentType("application/json");
        request.setContent("x".repeat(bytes).getBytes());
        return request;
    }

    /** The request as the next filter and the controller see it. */
    private static HttpServletRequest capped(MockHttpServletRequest request) throws Exception {
        PolarityProperties properties = new PolarityProperties(Path.of("m"), 256, 20_000, 64, DataSize.ofBytes(CAP),
                new PolarityProperties.Batcher(16, 2048, Duration.ZERO, 1024, 1, true), Duration.ofSeconds(10));
        AtomicReference<ServletRequest> seen = new AtomicReference<>();
        new BodyLimitFilter(properties).doFilter(request, new MockHttpServletResponse(), (req, res) -> seen.set(req));
        return (HttpServletRequest) seen.get();
    }
}
