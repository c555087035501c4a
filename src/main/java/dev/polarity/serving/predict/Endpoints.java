package dev.polarity.serving.predict;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;

/** The endpoints that run the model: guarded by the API key and refused early under overload. */
public final class Endpoints {
    private static final Set<String> MODEL = Set.of("/predict", "/explain");

    private Endpoints() {}

    public static boolean model(HttpServletRequest request) {
        return MODEL.contains(request.getRequestURI().substring(request.getContextPath().length()));
    }
}
