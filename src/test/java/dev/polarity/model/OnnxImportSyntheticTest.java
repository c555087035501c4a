package dev.polarity.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.polarity.engine.io.OnnxReader;
import dev.polarity.engine.io.OnnxTestModel;
import dev.polarity.engine.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The import on a tiny BERT-shaped graph written the way the exporter writes all-MiniLM-L6-v2:
 * named biases, LayerNorms and embeddings, anonymous [in, out] MatMul weights. ONNX Runtime runs
 * the same bytes, so the transposed weights are checked against ONNX's own MatMul semantics.
 */
class OnnxImportSyntheticTest {
    static final BertConfig TINY = new BertConfig("bert", 10, 4, 2, 2, 8, "gelu", 8, 2, 1e-12, 0.1, 0.1, 0, List.of());

    @ParameterizedTest(name = "MatMul weights named {0}")
    @ValueSource(strings = {"onnx::MatMul_787 and up, as the exporter does", "with their Hugging Face names"})
    void transposedLinearWeightsReproduceOnnxRuntimeMatMuls(String naming) throws Exception {
        boolean named = naming.startsWith("with");
        byte[] bytes = tinyModel(Set.of(), Map.of(), m -> { }, named).build();
        Map<String, Tensor> weights = OnnxImport.toHuggingFace(OnnxReader.read(bytes), TINY);
        assertThat(weights.keySet()).containsExactlyElementsOf(OnnxImport.expectedShapes(TINY).keySet());
        assertThat(weights).hasSize(5 + 2 * 16);

        Random rng = new Random(7);
        float[] xh = randoms(rng, TINY.hiddenSize());
        float[] xi = randoms(rng, TINY.intermediateSize());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = sessionOptions();
             OrtSession session = env.createSession(bytes, options);
             OnnxTensor h = OnnxTensor.createTensor(env, new float[][] {xh});
             OnnxTensor i = OnnxTensor.createTensor(env, new float[][] {xi});
             OrtSession.Result result = session.run(Map.of("x_h", h, "x_i", i))) {
            int checked = 0;
            for (String name : weights.keySet()) {
                if (!isLinearWeight(name)) {
                    continue;
                }
                String module = name.substring(0, name.length() - ".weight".length());
                Tensor w = weights.get(name);
                float[] x = w.size(1) == TINY.hiddenSize() ? xh : xi;
                // PyTorch's Linear: y = x W^T + b with W [out, in]; ONNX computes x W' + b with W' [in, out].
                float[] ours = Tensor.fromArray(x, 1, x.length).matmul(w.t()).add(weights.get(module + ".bias")).toArray();
                float[] theirs = ((float[][]) result.get(module + "_out").orElseThrow().getValue())[0];
                assertThat(ours).as(name).containsExactly(theirs, within(1e-5f));
                checked++;
            }
            assertThat(checked).isEqualTo(2 * 6);
        }
    }

    @Test
    void namedTensorsKeepTheirValues() throws IOException {
        byte[] bytes = tinyModel(Set.of(), Map.of(), m -> { }).build();
        var graph = OnnxReader.read(bytes);
        Map<String, Tensor> weights = OnnxImport.toHuggingFace(graph, TINY);
        Tensor words = weights.get("embeddings.word_embeddings.weight");
        assertThat(words.toArray()).isEqualTo(graph.initializers().get("embeddings.word_embeddings.weight").toArray());
    }

    @Test
    void refusesAMissingTensorByName() {
        assertRefused(tinyModel(Set.of("encoder.layer.1.output.LayerNorm.bias"), Map.of(), m -> { }),
                "ONNX graph lacks 1 tensor(s): encoder.layer.1.output.LayerNorm.bias");
        assertRefused(tinyModel(Set.of("encoder.layer.0.attention.self.key.weight"), Map.of(), m -> { }),
                "ONNX graph lacks 1 tensor(s): encoder.layer.0.attention.self.key.weight");
    }

    @Test
    void refusesUnknownTensorsByName() {
        assertRefused(tinyModel(Set.of(), Map.of(), m -> m.initializer("mystery.weight", new float[4], 4)),
                "unknown ONNX initializer mystery.weight [4] (consumed by no node)");
        assertRefused(tinyModel(Set.of(), Map.of(), m -> m.initializer("onnx::Add_9", new float[4], 4)
                        .node("/x/Add", "Add", List.of("x_h", "onnx::Add_9"), List.of("x_out"))),
                "unknown ONNX initializer onnx::Add_9 [4] (consumed by [Add /x/Add])");
        assertRefused(tinyModel(Set.of(), Map.of(), m -> m.initializer("onnx::MatMul_99", new float[16], 4, 4)
                        .node("/encoder/layer.0/attention/self/gate/MatMul", "MatMul", List.of("x_h", "onnx::MatMul_99"), List.of("g"))),
                "unknown ONNX initializer onnx::MatMul_99 [4, 4] (would be encoder.layer.0.attention.self.gate.weight)");
        assertRefused(tinyModel(Set.of(), Map.of(), m -> m.int64Initializer("token_ids", new long[] {1}, 1)),
                "ONNX initializer token_ids is INT64[1]; only FLOAT weights can be imported");
    }

    @Test
    void refusesAWrongShapeByName() {
        assertRefused(tinyModel(Set.of(), Map.of("embeddings.word_embeddings.weight", new int[] {11, 4}), m -> { }),
                "tensor embeddings.word_embeddings.weight has shape [11, 4], config needs [10, 4]");
        assertRefused(tinyModel(Set.of(), Map.of("encoder.layer.1.intermediate.dense.weight", new int[] {4, 7}), m -> { }),
                "tensor encoder.layer.1.intermediate.dense.weight (ONNX onnx::MatMul_");
        assertRefused(tinyModel(Set.of(), Map.of("encoder.layer.1.intermediate.dense.weight", new int[] {8, 4}), m -> { }),
                "has shape [8, 4], config needs [4, 8]");
    }

    @Test
    void dropsPositionIdsAndPoolerOnly() throws IOException {
        byte[] bytes = tinyModel(Set.of(), Map.of(), m -> m
                .int64Initializer("embeddings.position_ids", new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 1, 8)
                .initializer("pooler.dense.weight", new float[16], 4, 4)
                .initializer("pooler.dense.bias", new float[4], 4)).build();
        assertThat(OnnxImport.toHuggingFace(OnnxReader.read(bytes), TINY).keySet())
                .containsExactlyElementsOf(OnnxImport.expectedShapes(TINY).keySet());
    }

    private static OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        // The tiny graph leaves embeddings and LayerNorms unused on purpose; ORT would warn about each.
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        return options;
    }

    private static void assertRefused(OnnxTestModel model, String message) {
        assertThatThrownBy(() -> OnnxImport.toHuggingFace(OnnxReader.read(model.build()), TINY))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(message);
    }

    static boolean isLinearWeight(String name) {
        return name.startsWith("encoder.") && name.endsWith(".weight") && !name.contains("LayerNorm");
    }

    /**
     * Every tensor TINY needs, except {@code omit}; {@code shapes} overrides a tensor's dims (in
     * the ONNX layout). Each Linear weight, [in, out] and anonymous unless {@code namedWeights},
     * feeds a MatMul + Add pair named like the exporter's, whose output is a graph output.
     */
    static OnnxTestModel tinyModel(Set<String> omit, Map<String, int[]> shapes, Consumer<OnnxTestModel> extra) {
        return tinyModel(omit, shapes, extra, false);
    }

    static OnnxTestModel tinyModel(Set<String> omit, Map<String, int[]> shapes, Consumer<OnnxTestModel> extra, boolean namedWeights) {
        OnnxTestModel m = new OnnxTestModel()
                .input("x_h", 1, TINY.hiddenSize())
                .input("x_i", 1, TINY.intermediateSize());
        Random rng = new Random(42);
        int anonymous = 787;
        for (Map.Entry<String, int[]> e : OnnxImport.expectedShapes(TINY).entrySet()) {
            String name = e.getKey();
            if (omit.contains(name)) {
                continue;
            }
            int[] hf = e.getValue();
            if (isLinearWeight(name)) {
                int[] dims = shapes.getOrDefault(name, new int[] {hf[1], hf[0]});
                String anon = namedWeights ? name : "onnx::MatMul_" + anonymous++;
                String module = name.substring(0, name.length() - ".weight".length());
                m.initializer(anon, randoms(rng, dims[0] * dims[1]), dims)
                        .node("/" + module.replace('.', '/') + "/MatMul", "MatMul",
                                List.of(dims[0] == TINY.hiddenSize() ? "x_h" : "x_i", anon), List.of(module + "_mm"))
                        .node("/" + module.replace('.', '/') + "/Add", "Add", List.of(module + ".bias", module + "_mm"), List.of(module + "_out"))
                        .output(module + "_out", 1, dims[1]);
            } else {
                int[] dims = shapes.getOrDefault(name, hf);
                int n = 1;
                for (int d : dims) {
                    n *= d;
                }
                m.initializer(name, randoms(rng, n), dims);
            }
        }
        extra.accept(m);
        return m;
    }

    private static float[] randoms(Random rng, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) rng.nextGaussian();
        }
        return v;
    }
}
