package dev.polarity.model;

import dev.polarity.engine.io.DType;
import dev.polarity.engine.io.OnnxGraph;
import dev.polarity.engine.io.OnnxNode;
import dev.polarity.engine.io.OnnxReader;
import dev.polarity.engine.io.SafeTensors;
import dev.polarity.engine.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Turns the all-MiniLM-L6-v2 ONNX export into our model directory: Hugging Face BERT tensor
 * names (without the "bert." prefix), Linear weights in PyTorch's [out, in] layout, F32
 * safetensors, plus config.json and the tokenizer. Every tensor is accounted for: an
 * unrecognised, missing or mis-shaped one stops the import, because a silently skipped or
 * misnamed weight would only show up later as a model that predicts nonsense.
 */
public final class OnnxImport {
    /** The entries of the langchain4j all-MiniLM-L6-v2 artifact. */
    public static final String ONNX_ENTRY = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_ENTRY = "all-minilm-l6-v2-tokenizer.json";

    /** HF registers arange(max_position_embeddings) as a buffer; the encoder derives positions itself. */
    private static final String POSITION_IDS = "embeddings.position_ids";
    /** The exporter names a MatMul node after the module that owns it: /encoder/layer.0/attention/self/query/MatMul. */
    private static final Pattern MATMUL_NODE = Pattern.compile("/(.+)/MatMul");

    private OnnxImport() {
    }

    /** Every tensor the encoder needs, in Hugging Face order, with its shape under {@code config}. */
    public static Map<String, int[]> expectedShapes(BertConfig config) {
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("embeddings.word_embeddings.weight", new int[] {config.vocabSize(), h});
        shapes.put("embeddings.position_embeddings.weight", new int[] {config.maxPositionEmbeddings(), h});
        shapes.put("embeddings.token_type_embeddings.weight", new int[] {config.typeVocabSize(), h});
        shapes.put("embeddings.LayerNorm.weight", new int[] {h});
        shapes.put("embeddings.LayerNorm.bias", new int[] {h});
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String qkv : List.of("query", "key", "value")) {
                linear(shapes, p + "attention.self." + qkv, h, h);
            }
            linear(shapes, p + "attention.output.dense", h, h);
            shapes.put(p + "attention.output.LayerNorm.weight", new int[] {h});
            shapes.put(p + "attention.output.LayerNorm.bias", new int[] {h});
            linear(shapes, p + "intermediate.dense", i, h);
            linear(shapes, p + "output.dense", h, i);
            shapes.put(p + "output.LayerNorm.weight", new int[] {h});
            shapes.put(p + "output.LayerNorm.bias", new int[] {h});
        }
        return shapes;
    }

    private static void linear(Map<String, int[]> shapes, String module, int out, int in) {
        shapes.put(module + ".weight", new int[] {out, in});
        shapes.put(module + ".bias", new int[] {out});
    }

    /**
     * Names, transposes and checks the graph's weights. Initializers that already carry a Hugging
     * Face name are taken as they are; an anonymous one is named after the MatMul node that
     * consumes it. Pooler tensors, which last_hidden_state never uses, are dropped.
     */
    public static Map<String, Tensor> toHuggingFace(OnnxGraph graph, BertConfig config) throws IOException {
        Map<String, int[]> expected = expectedShapes(config);
        Map<String, List<OnnxNode>> consumers = new LinkedHashMap<>();
        for (OnnxNode node : graph.nodes()) {
            for (String input : node.inputs()) {
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(node);
            }
        }
        for (Map.Entry<String, String> other : graph.nonFloatInitializers().entrySet()) {
            if (!other.getKey().equals(POSITION_IDS)) {
                throw new IOException("ONNX initializer " + other.getKey() + " is " + other.getValue() + "; only FLOAT weights can be imported");
            }
        }
        Map<String, Tensor> found = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> init : graph.initializers().entrySet()) {
            String onnxName = init.getKey();
            Tensor t = init.getValue();
            if (onnxName.startsWith("pooler.")) {
                continue;
            }
            List<OnnxNode> users = consumers.getOrDefault(onnxName, List.of());
            String name = expected.containsKey(onnxName) ? onnxName : matmulWeightName(onnxName, users);
            if (name == null || !expected.containsKey(name)) {
                throw new IOException("unknown ONNX initializer " + onnxName + " " + Arrays.toString(t.shape().toArray())
                        + (name == null ? " (consumed by " + describe(users) + ")" : " (would be " + name + ")"));
            }
            // ONNX MatMul computes x @ W with W stored [in, out]; PyTorch's Linear keeps [out, in]. Decided
            // by use, not by name, so that a named weight fed straight to a MatMul is turned as well.
            boolean transpose = users.stream().anyMatch(n -> isMatMulWeight(n, onnxName));
            int[] want = expected.get(name);
            int[] wantOnnx = transpose ? new int[] {want[1], want[0]} : want;
            if (!Arrays.equals(t.shape().toArray(), wantOnnx)) {
                throw new IOException("tensor " + name + (transpose ? " (ONNX " + onnxName + ")" : "") + " has shape "
                        + Arrays.toString(t.shape().toArray()) + ", config needs " + Arrays.toString(wantOnnx));
            }
            if (found.put(name, transpose ? t.t().contiguous() : t) != null) {
                throw new IOException("tensor " + name + " appears twice in the ONNX graph (again as " + onnxName + ")");
            }
        }
        List<String> missing = expected.keySet().stream().filter(n -> !found.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new IOException("ONNX graph lacks " + missing.size() + " tensor(s): " + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + (missing.size() > 5 ? ", ..." : ""));
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        expected.keySet().forEach(n -> ordered.put(n, found.get(n)));
        return ordered;
    }

    /** The HF name of a Linear weight, if exactly one MatMul uses this initializer as its right operand. */
    private static String matmulWeightName(String initializer, List<OnnxNode> users) {
        if (users.size() != 1) {
            return null;
        }
        Matcher m = MATMUL_NODE.matcher(users.get(0).name());
        return isMatMulWeight(users.get(0), initializer) && m.matches() ? m.group(1).replace('/', '.') + ".weight" : null;
    }

    private static boolean isMatMulWeight(OnnxNode node, String initializer) {
        return node.opType().equals("MatMul") && node.inputs().size() == 2 && node.inputs().get(1).equals(initializer);
    }

    private static String describe(List<OnnxNode> users) {
        if (users.isEmpty()) {
            return "no node";
        }
        return users.stream().map(n -> n.opType() + " " + n.name()).toList().toString();
    }

    /** {@link #run(Path, Path, BertConfig)} for all-MiniLM-L6-v2. */
    public static Map<String, Tensor> run(Path onnxOrJar, Path outDir) throws IOException {
        return run(onnxOrJar, outDir, BertConfig.allMiniLmL6V2());
    }

    /**
     * Imports from a langchain4j embedding artifact jar (its one .onnx entry and the
     * {@code <name>-tokenizer.json} beside it) or from a bare .onnx file whose tokenizer sits next
     * to it as tokenizer.json or {@code <name>-tokenizer.json}. Everything is read and checked
     * against {@code config} before the first file is written.
     */
    public static Map<String, Tensor> run(Path onnxOrJar, Path outDir, BertConfig config) throws IOException {
        if (!Files.isRegularFile(onnxOrJar)) {
            throw new IOException("no such file: " + onnxOrJar);
        }
        byte[] onnx;
        byte[] tokenizer;
        if (onnxOrJar.getFileName().toString().endsWith(".jar")) {
            try (ZipFile jar = new ZipFile(onnxOrJar.toFile())) {
                String model = onnxEntry(jar, onnxOrJar);
                onnx = entry(jar, onnxOrJar, model);
                tokenizer = entry(jar, onnxOrJar, tokenizerName(model));
            } catch (ZipException e) {
                throw new IOException(onnxOrJar + " is not a readable jar: " + e.getMessage(), e);
            }
        } else {
            onnx = Files.readAllBytes(onnxOrJar);
            tokenizer = Files.readAllBytes(siblingTokenizer(onnxOrJar));
        }
        Map<String, Tensor> weights;
        try {
            weights = toHuggingFace(OnnxReader.read(onnx), config);
        } catch (IOException e) {
            throw new IOException(onnxOrJar.getFileName() + ": " + e.getMessage(), e);
        }
        onnx = null; // let the 90 MB go before the safetensors copy is made
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new IOException(outDir + " exists and is not a directory");
        }
        Files.createDirectories(outDir);
        config.write(outDir.resolve("config.json"));
        Files.write(outDir.resolve("tokenizer.json"), tokenizer);
        SafeTensors.write(outDir.resolve("model.safetensors"), weights, DType.F32,
                Map.of("format", "pt", "source", onnxOrJar.getFileName().toString()));
        return weights;
    }

    /** The artifact's one model: all-MiniLM-L6-v2's jar holds {@value #ONNX_ENTRY}, others their own name. */
    private static String onnxEntry(ZipFile jar, Path file) throws IOException {
        List<String> models = jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".onnx")).toList();
        if (models.size() != 1) {
            throw new IOException(file + (models.isEmpty() ? " has no .onnx entry" : " has " + models.size() + " .onnx entries: " + models));
        }
        return models.get(0);
    }

    /** model.onnx's tokenizer, as the artifacts name it: model-tokenizer.json. */
    private static String tokenizerName(String onnxName) {
        return onnxName.substring(0, onnxName.length() - ".onnx".length()) + "-tokenizer.json";
    }

    private static byte[] entry(ZipFile jar, Path file, String name) throws IOException {
        ZipEntry e = jar.getEntry(name);
        if (e == null) {
            throw new IOException(file + " has no entry " + name);
        }
        try (InputStream in = jar.getInputStream(e)) {
            return in.readAllBytes();
        }
    }

    private static Path siblingTokenizer(Path onnx) throws IOException {
        Path dir = onnx.toAbsolutePath().getParent();
        String own = tokenizerName(onnx.getFileName().toString());
        for (String name : List.of("tokenizer.json", own, TOKENIZER_ENTRY)) { // own can equal the last; a second look is harmless
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new IOException("no tokenizer.json or " + own + " next to " + onnx);
    }
}
