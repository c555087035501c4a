package dev.polarity.serving.predict;

import dev.polarity.serving.batching.QueueFullException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses /predict with 429 before its body is read or parsed when the queue is already full. The
 * batcher's admission would refuse it anyway once the texts are counted; under a 10x overload most
 * requests arrive to a full queue, and reading and parsing their bodies took cores from the
 * requests that had been accepted. Runs after authentication, so it tells a stranger nothing new.
 */
final class EarlyRefusal implements HandlerInterceptor {
    private final SentimentModel model;

    EarlyRefusal(SentimentModel model) {
        this.model = model;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (model.queueFull()) {
            throw new QueueFullException();
        }
        return true;
    }
}
