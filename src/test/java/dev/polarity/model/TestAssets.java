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
import java.util.Random;

/**
 * Shared test fixtures: the base model converted once per build from the Maven artifact (not
 * committed), its tokenizer, and the SST-2 dev set read by path from ../shared/data.
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

    public static Path sst2(String name) {
        return Path.of(System.getProperty("sst2.dir", "../shared/data/sst2")).resolve(name);
    }

    /** The 872 dev sentences; fails loudly when the shared data is missing (CI always has it). */
    public static List<Example> devSet() throws IOException {
        Path dev = sst2("dev.tsv");
        if (!Files.isRegularFile(dev)) {
            throw new IllegalStateException("\n*** SST-2 dev set not found at " + dev.toAbsolutePath()
                    + " ***\n*** put the shared data at ../shared/data/sst2 or pass -Dsst2.dir=<dir> ***");
        }
        return TsvReader.read(dev).examples();
    }
}
