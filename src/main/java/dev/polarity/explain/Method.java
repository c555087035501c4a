package dev.polarity.explain;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The attribution methods, under the names the API and the command line use. */
public enum Method {
    INTEGRATED_GRADIENTS("integrated-gradients"),
    GRADIENT_X_INPUT("gradient-x-input"),
    OCCLUSION("occlusion");

    private final String wireName;

    Method(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Method> byName(String name) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Method::wireName).toList();
    }
}
