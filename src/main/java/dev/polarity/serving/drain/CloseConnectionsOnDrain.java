package dev.polarity.serving.drain;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Once shutdown begins, every answer carries {@code Connection: close}. After SIGTERM Tomcat stops
 * accepting connections and finishes in-flight requests; a client that then sent its next request
 * on a kept-alive connection lost it without an answer. Told to close, the client reconnects for
 * its next request and reaches a replica that is still serving (the Deployment's preStop pause has
 * taken this one out of the Service by then). The context publishes {@link ContextClosedEvent}
 * before it stops any lifecycle bean, so the flag is up before the web server's graceful shutdown.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CloseConnectionsOnDrain extends OncePerRequestFilter implements ApplicationListener<ContextClosedEvent> {
    private volatile boolean draining;

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (draining) {
            // Set before the chain runs, so it is on the answer whatever the handler does or throws.
            response.setHeader(HttpHeaders.CONNECTION, "close");
        }
        chain.doFilter(request, response);
    }

    /** Error dispatches are answers too. */
    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }
}
