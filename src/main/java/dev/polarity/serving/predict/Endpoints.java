package dev.polarity.serving.predict;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;

/** The endpoints that run the model, all guarded by the API key; only /predict waits in the inference queue. */
public final class Endpoints {
    private static final Set<String> MODEL = Set.of("/predict", "/explain");

    private Endpoints() {}

    public static boolean model(HttpServletRequest request) {
        return MODEL.contains(path(request));
    }

    /** Refused early when the inference queue is full; explanations run on their own pool. */
    public static boolean queued(HttpServletRequest request) {
        return "/predict".equals(path(request));
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}
