package dev.polarity.ship;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The shipping checks need tools that a laptop may lack (a Docker engine, Prometheus, kubectl).
 * Without one they are skipped with a loud message; under {@code POLARITY_CI=1} (set by
 * {@code .ci/run}) they fail instead, so CI can never pass by skipping them.
 */
final class Required {
    private Required() {}

    static boolean inCi() {
        return "1".equals(System.getenv("POLARITY_CI"));
    }

    /** Skips (or, in CI, fails) the calling test unless {@code present}. */
    static void that(boolean present, String what, String howToGetIt) {
        if (present) {
            return;
        }
        String message = what + " is not available: " + howToGetIt;
        if (inCi()) {
            fail("POLARITY_CI=1 and " + message);
        }
        System.err.println();
        System.err.println("!!!!! SKIPPED: " + message + " !!!!!");
        System.err.println();
        Assumptions.abort("SKIPPED: " + message);
    }

    /** The executable {@code name} on the PATH, if any. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The executable {@code name}, skipping (or failing in CI) the test when it is absent. */
    static Path executable(String name, String howToGetIt) {
        Optional<Path> found = onPath(name);
        that(found.isPresent(), "`" + name + "`", howToGetIt);
        return found.orElseThrow();
    }
}
