package dev.polarity.serving.drain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Answers keep their connection open while serving and close it once shutdown has begun. */
class CloseConnectionsOnDrainTest {
    private final CloseConnectionsOnDrain filter = new CloseConnectionsOnDrain();

    @Test
    void servingAnswersKeepTheConnection() throws Exception {
        assertThat(answer().getHeader("Connection")).isNull();
    }

    @Test
    void onceTheContextClosesEveryAnswerClosesItsConnection() throws Exception {
        filter.onApplicationEvent(new ContextClosedEvent(new GenericApplicationContext()));
        assertThat(filter.draining()).isTrue();
        MockHttpServletResponse response = answer();
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(response.getStatus()).isEqualTo(503); // even when the handler refuses
    }

    private MockHttpServletResponse answer() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("POST", "/predict"), response,
                (req, res) -> ((MockHttpServletResponse) res).setStatus(503));
        return response;
    }
}
