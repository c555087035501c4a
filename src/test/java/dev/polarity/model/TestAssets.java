package dev.polarity.model;

import dev.polarity.engine.io.SafeTensors;
import dev.polarity.train.Example;
import dev.polarity.train.TsvReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared test fixtures: the base model converted once per build from the Maven artifact (not
 * committed), its tokenizer, and SST-2, which a clone does not have (see {@link #sst2}).
 */
public final class TestAssets {
    private static final Path BASE = Path.of("target", "test-models", "all-minilm-l6-v2");

    private TestAssets() {}

    /** The artifact jar that holds all-minilm-l6-v2.onnx, found through the test classpath. */
    public static Path artifactJar() throws IOException {
        URL url = TestAssets.class.getResource("/" + OnnxImport.ONNX_ENTRY);
        if (url == null || !"jar".equals(url.getProtocol())) {
            throw new IOException("the all-MiniLM-L6-v2 artifact is not on the test classpath");
        }
        String file = url.getPath().substring(0, url.getPath().indexOf("!/"));
        try {
            return Path.of(new java.net.URI(file));
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    public static synchronized Path baseModelDir() throws IOException {
        if (!Files.isRegularFile(BASE.resolve("model.safetensors"))) {
            OnnxImport.run(artifactJar(), BASE);
        }
        return BASE;
    }

    public static BertEncoder baseEncoder() throws IOException {
        Path dir = baseModelDir();
        BertEncoder enc = new BertEncoder(BertConfig.read(dir.resolve("config.json")), new Random(0));
        enc.loadStateDict(SafeTensors.read(dir.resolve("model.safetensors")));
        return enc;
    }

    public static TextEncoder tokenizer() throws IOException {
        return new TextEncoder(baseModelDir().resolve("tokenizer.json"), TextEncoder.DEFAULT_MAX_TOKENS);
    }

    /** Where the tests look for SST-2, in order; an explicit {@code -Dsst2.dir} is the only place looked. */
    static List<Path> sst2Candidates() {
        String given = System.getProperty("sst2.dir", "");
        if (!given.isBlank()) {
            return List.of(Path.of(given));
        }
        return List.of(Path.of("..", "shared", "data", "sst2"), Path.of("data", "sst2"));
    }

    /** The first candidate folder that holds {@code name}, for callers that can do without it. */
    public static Optional<Path> findSst2(String name) {
        return sst2Candidates().stream().map(d -> d.resolve(name)).filter(Files::isRegularFile).findFirst();
    }

    /**
     * The SST-2 file {@code name} (train.tsv or dev.tsv). A clone has no data, so a test that needs
     * it is skipped with one line saying how to get it; under {@code POLARITY_CI=1} it fails instead,
     * as the shipping tests do, so CI can never pass by skipping the accuracy checks.
     */
    public static Path sst2(String name) {
        Optional<Path> found = findSst2(name);
        if (found.isPresent()) {
            return found.get();
        }
        String message = "SST-2 " + name + " not found in " + sst2Candidates().stream().map(Path::toString).toList()
                + "; make data/sst2 from GLUE's SST-2 as docs/training.md ('The data') shows, or pass -Dsst2.dir=DIR";
        if ("1".equals(System.getenv("POLARITY_CI"))) {
            Assertions.fail("POLARITY_CI=1 and " + message);
        }
        System.err.println("!!!!! SKIPPED: " + message);
        Assumptions.abort("SKIPPED: " + message);
        throw new AssertionError("unreachable: abort throws");
    }

    /** The 872 dev sentences; skips the test (fails in CI) when SST-2 is not there. */
    public static List<Example> devSet() throws IOException {
        return TsvReader.read(sst2("dev.tsv")).examples();
    }
}
