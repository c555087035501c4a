package dev.polarity.serving.predict;

import dev.polarity.serving.auth.ApiKey;
import dev.polarity.serving.errors.ProblemJson;
import dev.polarity.serving.metrics.SentimentMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

/**
 * Refuses /predict with 429 at Tomcat's door when the queue is already full: before its body is
 * read, and before the servlet pipeline, Spring's filters and Spring MVC run. The batcher's
 * admission would refuse it anyway once its texts are counted; but under a 10x overload most
 * requests arrive to a full queue, and every core-microsecond spent refusing them is taken from
 * the passes of the requests that were accepted. A caller without the API key (when one is set)
 * is let through to the key check, so it learns nothing about load. Spring's request observation
 * never sees these requests, so the refusal records itself in {@code http.server.requests} with
 * the tags Spring gives a 429 from /predict, and the dashboards' answers-by-status stay whole.
 */
@Component
class EarlyRefusal implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
    private final SentimentModel model;
    private final SentimentMetrics metrics;
    private final ApiKey key;
    private final MeterRegistry registry;
    private volatile Timer refusals;

    EarlyRefusal(SentimentModel model, SentimentMetrics metrics, ApiKey key, MeterRegistry registry) {
        this.model = model;
        this.metrics = metrics;
        this.key = key;
        this.registry = registry;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addEngineValves(new Door());
    }

    /** Whether this request is to be refused now. */
    boolean refuses(String method, boolean queued, String authorization) {
        return queued && "POST".equals(method) && model.queueFull() && key.accepts(authorization);
    }

    private Timer refusals() {
        Timer t = refusals;
        if (t == null) {
            // Registered on first use, so a service never refused shows no 429 series at all.
            t = Timer.builder("http.server.requests").tags("error", "none", "exception", "none", "method", "POST",
                    "outcome", "CLIENT_ERROR", "status", "429", "uri", "/predict").register(registry);
            refusals = t;
        }
        return t;
    }

    private final class Door extends ValveBase {
        Door() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            // Tomcat sends requests it could not parse or map down the pipeline too, already marked
            // as errors and without a URI or context: they are the error report's to answer.
            boolean mapped = !response.isError() && request.getContext() != null && request.getRequestURI() != null;
            if (mapped && refuses(request.getMethod(), Endpoints.queued(request), request.getHeader(HttpHeaders.AUTHORIZATION))) {
                metrics.rejected("queue_full");
                // Timed from when Tomcat began the request, and counted before the answer leaves, so
                // whoever sees the 429 also sees it in the metrics; the write of its ~120 bytes is left out.
                refusals().record(System.nanoTime() - request.getCoyoteRequest().getStartTimeNanos(), TimeUnit.NANOSECONDS);
                ProblemJson.write(response, 429, "The inference queue is full; retry shortly.", HttpHeaders.RETRY_AFTER, "1");
                return;
            }
            getNext().invoke(request, response);
        }
    }
}
