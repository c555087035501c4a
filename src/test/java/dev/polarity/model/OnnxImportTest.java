package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.cli.CliRun;
import dev.polarity.engine.io.OnnxGraph;
import dev.polarity.engine.io.OnnxReader;
import dev.polarity.engine.io.SafeTensors;
import dev.polarity.engine.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import of the real all-MiniLM-L6-v2 artifact, its output directory, and the command. */
class OnnxImportTest {
    private static final BertConfig MINILM = BertConfig.allMiniLmL6V2();
    private static OnnxGraph graph;
    private static Map<String, Tensor> weights;

    @TempDir
    Path dir;

    @BeforeAll
    static void importOnce() throws IOException {
        try (InputStream in = OnnxImportTest.class.getResourceAsStream("/" + OnnxImport.ONNX_ENTRY)) {
            graph = OnnxReader.read(in);
        }
        weights = OnnxImport.toHuggingFace(graph, MINILM);
    }

    @Test
    void producesExactlyTheHuggingFaceNamesAndShapes() {
        Map<String, int[]> expected = OnnxImport.expectedShapes(MINILM);
        assertThat(expected).hasSize(5 + 6 * 16);
        assertThat(weights.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, shape) -> assertThat(weights.get(name).shape().toArray()).as(name).containsExactly(shape));
        assertThat(weights.get("encoder.layer.3.intermediate.dense.weight").shape().toArray()).containsExactly(1536, 384);
        assertThat(weights.get("encoder.layer.3.output.dense.weight").shape().toArray()).containsExactly(384, 1536);
        assertThat(weights.keySet()).noneMatch(n -> n.startsWith("bert.") || n.startsWith("pooler.") || n.contains("position_ids"));
        assertThat(weights.values().stream().mapToLong(Tensor::numel).sum()).isEqualTo(22_565_376L);
    }

    @Test
    void linearWeightsAreTheOnnxMatMulOperandsTransposed() {
        // The exporter's node /encoder/layer.0/intermediate/dense/MatMul multiplies by onnx::MatMul_798 [384, 1536].
        Tensor onnx = graph.initializers().get("onnx::MatMul_798");
        Tensor hf = weights.get("encoder.layer.0.intermediate.dense.weight");
        for (int[] at : new int[][] {{0, 0}, {1535, 0}, {0, 383}, {1000, 17}, {7, 300}}) {
            assertThat(hf.get(at[0], at[1])).isEqualTo(onnx.get(at[1], at[0]));
        }
        // A Linear applied the PyTorch way (x W^T) equals the ONNX MatMul (x W') on the same input.
        float[] x = new float[384];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        Tensor input = Tensor.fromArray(x, 1, 384);
        assertThat(input.matmul(hf.t()).toArray())
                .containsExactly(input.matmul(onnx).toArray(), org.assertj.core.api.Assertions.within(1e-4f));
        assertThat(hf.isContiguous()).isTrue();
        // isEqualTo, not containsExactly: AssertJ's element diff is quadratic on 11.7M floats.
        assertThat(weights.get("embeddings.word_embeddings.weight").toArray())
                .isEqualTo(graph.initializers().get("embeddings.word_embeddings.weight").toArray());
    }

    @Test
    void aConfigThatDoesNotMatchTheFileIsRefusedByTensorName() {
        BertConfig narrow = new BertConfig("bert", 30522, 384, 6, 12, 1024, "gelu", 512, 2, 1e-12, 0.1, 0.1, 0, List.of());
        assertThatThrownBy(() -> OnnxImport.toHuggingFace(graph, narrow))
                .hasMessage("tensor encoder.layer.0.intermediate.dense.bias has shape [1536], config needs [1024]");
        BertConfig shallow = new BertConfig("bert", 30522, 384, 5, 12, 1536, "gelu", 512, 2, 1e-12, 0.1, 0.1, 0, List.of());
        assertThatThrownBy(() -> OnnxImport.toHuggingFace(graph, shallow))
                .hasMessageStartingWith("unknown ONNX initializer encoder.layer.5.attention.self.query.bias [384]");
        BertConfig deep = new BertConfig("bert", 30522, 384, 7, 12, 1536, "gelu", 512, 2, 1e-12, 0.1, 0.1, 0, List.of());
        assertThatThrownBy(() -> OnnxImport.toHuggingFace(graph, deep))
                .hasMessageStartingWith("ONNX graph lacks 16 tensor(s): encoder.layer.6.attention.self.query.weight");
    }

    @Test
    void runWritesAModelDirectoryFromTheArtifactJar() throws Exception {
        Path jar = artifactJar();
        Path out = dir.resolve("models/all-minilm-l6-v2");
        Map<String, Tensor> written = OnnxImport.run(jar, out);
        assertThat(written.keySet()).containsExactlyElementsOf(weights.keySet());
        assertThat(BertConfig.read(out.resolve("config.json"))).isEqualTo(MINILM);
        try (InputStream tokenizer = getClass().getResourceAsStream("/" + OnnxImport.TOKENIZER_ENTRY)) {
            assertThat(Files.readAllBytes(out.resolve("tokenizer.json"))).isEqualTo(tokenizer.readAllBytes());
        }
        Map<String, Tensor> loaded = SafeTensors.read(out.resolve("model.safetensors"));
        assertThat(loaded.keySet()).containsExactlyInAnyOrderElementsOf(weights.keySet());
        for (String name : List.of("embeddings.word_embeddings.weight", "encoder.layer.5.output.dense.weight",
                "encoder.layer.2.attention.self.value.bias", "embeddings.LayerNorm.weight")) {
            assertThat(loaded.get(name).shape()).isEqualTo(weights.get(name).shape());
            assertThat(loaded.get(name).toArray()).as(name).isEqualTo(weights.get(name).toArray());
        }
    }

    @Test
    void runAcceptsABareOnnxFileWithItsTokenizerAlongside() throws Exception {
        Path onnx = copyResource(OnnxImport.ONNX_ENTRY, dir.resolve("in/model.onnx"));
        assertThatThrownBy(() -> OnnxImport.run(onnx, dir.resolve("out")))
                .hasMessageStartingWith("no tokenizer.json or model-tokenizer.json next to");
        copyResource(OnnxImport.TOKENIZER_ENTRY, dir.resolve("in/tokenizer.json"));
        assertThat(OnnxImport.run(onnx, dir.resolve("out"))).hasSize(101);
        assertThat(dir.resolve("out/model.safetensors")).isRegularFile();
    }

    @Test
    void runRefusesAJarWithoutTheModel() throws IOException {
        Path jar = dir.resolve("other.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("README"));
        }
        assertThatThrownBy(() -> OnnxImport.run(jar, dir.resolve("out")))
                .isInstanceOf(IOException.class).hasMessage(jar + " has no .onnx entry");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void runRefusesAFileThatIsNotOnnxBeforeWritingAnything() throws IOException {
        Path bogus = Files.writeString(dir.resolve("model.onnx"), "not a model");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        assertThatThrownBy(() -> OnnxImport.run(bogus, dir.resolve("out")))
                .isInstanceOf(IOException.class).hasMessageStartingWith("model.onnx: malformed ONNX protobuf");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void commandPrintsOneLineAndAnExitCode() throws Exception {
        assertCommand(new String[0], 2, "polarity import: Missing required options: '--from=FILE', '--out=DIR'");
        assertCommand(new String[] {"--from", "x.jar"}, 2, "polarity import: Missing required option: '--out=DIR'");
        assertCommand(new String[] {"--from", "x.jar", "--out"}, 2, "polarity import: Missing required parameter for option '--out'");
        assertCommand(new String[] {"--from", "x.jar", "--out", "o", "--verbose"}, 2, "polarity import: Unknown option: '--verbose'");
        assertCommand(new String[] {"--from", "x.jar", "--out", "o", "--layers", "six"}, 2, "polarity import: Invalid value for option '--layers': 'six' is not an int");
        assertCommand(new String[] {"--from", "x.jar", "--out", "o", "--heads", "0"}, 2, "polarity import: --layers and --heads must be positive whole numbers");
        assertCommand(new String[] {"--from", "x.jar", "--out", "o", "--heads", "5"}, 2, "polarity import: hidden_size 384 is not divisible by num_attention_heads 5");
        assertCommand(new String[] {"--from", artifactJar().toString(), "--out", dir.resolve("o").toString(), "--layers", "12"}, 1,
                "polarity import: " + artifactJar().getFileName() + ": ONNX graph lacks 96 tensor(s): encoder.layer.6.");
        Path absent = dir.resolve("absent.jar");
        assertCommand(new String[] {"--from", absent.toString(), "--out", dir.resolve("o").toString()}, 1,
                "polarity import: no such file: " + absent);
        Path bogus = Files.writeString(dir.resolve("broken.jar"), "not a zip");
        assertCommand(new String[] {"--from", bogus.toString(), "--out", dir.resolve("o").toString()}, 1,
                "polarity import: " + bogus + " is not a readable jar: ");
        Path notADir = Files.writeString(dir.resolve("taken"), "");
        assertCommand(new String[] {"--from", artifactJar().toString(), "--out", notADir.toString()}, 1,
                "polarity import: " + notADir + " exists and is not a directory");

        Path out = dir.resolve("cmd");
        CliRun ok = CliRun.run("import", "--from", artifactJar().toString(), "--out", out.toString());
        assertThat(ok.status()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("imported 101 tensors (22565376 parameters) from ");
        assertThat(out.resolve("model.safetensors")).isRegularFile();
    }

    private static void assertCommand(String[] args, int code, String errorStart) {
        String[] all = new String[args.length + 1];
        all[0] = "import";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun r = CliRun.run(all);
        assertThat(r.status()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).startsWith(errorStart).endsWith("\n");
        assertThat(r.oneErrorLine()).as(r.err()).isTrue();
        assertThat(r.out()).isEmpty();
    }

    /** The langchain4j jar that put the model on the test classpath. */
    private Path artifactJar() throws Exception {
        var url = getClass().getResource("/" + OnnxImport.ONNX_ENTRY);
        return Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
    }

    private Path copyResource(String entry, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try (InputStream in = getClass().getResourceAsStream("/" + entry)) {
            Files.copy(in, target);
        }
        return target;
    }
}
