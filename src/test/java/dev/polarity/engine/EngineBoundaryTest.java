package dev.polarity.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/design.md, "Invariants the tests rely on": the engine never imports Spring, nor anything from the layers built on top of it. */
class EngineBoundaryTest {

    @Test
    void engineSourcesImportNeitherSpringNorTheApplication() throws IOException {
        Path root = Path.of("src/main/java/dev/polarity/engine");
        assertThat(root).isDirectory();
        List<String> offending;
        try (Stream<Path> files = Files.walk(root)) {
            offending = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    return Files.readAllLines(p).stream()
                            .filter(l -> l.startsWith("import "))
                            .filter(l -> l.contains("org.springframework") || (l.contains("dev.polarity.")
                                    && !l.contains("dev.polarity.engine.")))
                            .map(l -> p + ": " + l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.toList());
        }
        assertThat(offending).isEmpty();
    }
}
