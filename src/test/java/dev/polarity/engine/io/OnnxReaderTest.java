package dev.polarity.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxReaderTest {
    private static OnnxGraph minilm;

    @BeforeAll
    static void readArtifact() throws IOException {
        try (InputStream in = OnnxReaderTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertThat(in).as("all-minilm-l6-v2.onnx on the test classpath").isNotNull();
            minilm = OnnxReader.read(in);
        }
    }

    @Test
    void readsTheRealArtifact() {
        assertThat(minilm.inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(minilm.outputs()).containsExactly("last_hidden_state");
        Set<String> layers = minilm.initializers().keySet().stream()
                .filter(n -> n.startsWith("encoder.layer."))
                .map(n -> n.split("\\.")[2])
                .collect(Collectors.toSet());
        assertThat(layers).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
        assertThat(minilm.initializers()).hasSize(101);
        assertThat(minilm.initializers().get("embeddings.word_embeddings.weight").shape().toArray()).containsExactly(30522, 384);
        assertThat(minilm.initializers().get("onnx::MatMul_798").shape().toArray()).containsExactly(384, 1536);
        long params = minilm.initializers().values().stream().mapToLong(Tensor::numel).sum();
        assertThat(params).isEqualTo(22_565_376L);
        assertThat(minilm.nonFloatInitializers()).containsExactly(java.util.Map.entry("embeddings.position_ids", "INT64[1, 512]"));
        // 6 layers x (query, key, value, attention output, intermediate, output) take a weight.
        assertThat(minilm.nodes().stream().filter(n -> n.opType().equals("MatMul")
                && minilm.initializers().containsKey(n.inputs().get(1)))).hasSize(36);
    }

    @Test
    void weightsAreFiniteAndNotAllZero() {
        float[] row = minilm.initializers().get("embeddings.word_embeddings.weight").narrow(0, 2023, 1).toArray();
        assertThat(row).hasSize(384);
        float maxAbs = 0;
        for (float v : row) {
            assertThat(Float.isFinite(v)).isTrue();
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        assertThat(maxAbs).isGreaterThan(0f);
        for (float v : minilm.initializers().get("embeddings.LayerNorm.weight").toArray()) {
            assertThat(v).isBetween(-10f, 10f);
        }
    }

    @Test
    void readsEveryFloatEncodingAndNodes() throws IOException {
        byte[] model = new OnnxTestModel()
                .initializer("raw", new float[] {1, 2, 3, 4, 5, 6}, 2, 3)
                .floatDataInitializer("packed", new float[] {-1.5f, 2.5f}, true, 2)
                .floatDataInitializer("unpacked", new float[] {7f, 8f, 9f}, false, 3, 1)
                .floatDataInitializer("scalar", new float[] {0.25f}, true)
                .node("mm", "MatMul", List.of("x", "raw"), List.of("y"))
                .input("x", 1, 2).input("raw", 2, 3).output("y", 1, 3)
                .build();
        OnnxGraph g = OnnxReader.read(model);
        assertThat(g.initializers().keySet()).containsExactly("raw", "packed", "unpacked", "scalar");
        assertThat(g.initializers().get("raw").shape().toArray()).containsExactly(2, 3);
        assertThat(g.initializers().get("raw").get(1, 2)).isEqualTo(6f);
        assertThat(g.initializers().get("packed").toArray()).containsExactly(-1.5f, 2.5f);
        assertThat(g.initializers().get("unpacked").toArray()).containsExactly(7f, 8f, 9f);
        assertThat(g.initializers().get("scalar").dim()).isZero();
        assertThat(g.initializers().get("scalar").item()).isEqualTo(0.25f);
        assertThat(g.nodes()).containsExactly(new OnnxNode("mm", "MatMul", List.of("x", "raw"), List.of("y")));
        // An initializer also listed as a graph input (IR < 4 style) is not a real input.
        assertThat(g.inputs()).containsExactly("x");
        assertThat(g.outputs()).containsExactly("y");
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() throws IOException {
        byte[] unknown = new OnnxTestModel.Proto()
                .tag(900, 0).varint(Long.MAX_VALUE)
                .tag(901, 1).raw(new byte[8])
                .tag(902, 5).fixed32(42)
                .string(903, "ignored")
                .toByteArray();
        byte[] model = new OnnxTestModel().initializer("w", new float[] {1}, 1).graphBytes(unknown).build();
        assertThat(OnnxReader.read(model).initializers()).containsOnlyKeys("w");
    }

    @Test
    void listsNonFloatInitializersWithoutDecodingThem() throws IOException {
        byte[] model = new OnnxTestModel().int64Initializer("ids", new long[] {0, 1, 2}, 1, 3).build();
        OnnxGraph g = OnnxReader.read(model);
        assertThat(g.initializers()).isEmpty();
        assertThat(g.nonFloatInitializers()).containsEntry("ids", "INT64[1, 3]");
    }

    @Test
    void refusesMalformedBytes() {
        byte[] good = new OnnxTestModel().initializer("w", new float[] {1, 2, 3, 4}, 2, 2).build();
        assertRefused(Arrays.copyOf(good, good.length - 3), "claims");
        assertRefused(new byte[] {(byte) 0x80, (byte) 0x80}, "truncated varint");
        assertRefused(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}, "varint longer than 10 bytes");
        assertRefused(new byte[] {0x0B}, "unsupported wire type 3");
        assertRefused(new byte[] {0x00}, "invalid field number 0");
        assertRefused(new byte[0], "no graph");
        assertRefused("this is not an onnx file".getBytes(), "malformed");
        assertRefused(new OnnxTestModel.Proto().tag(7, 0).varint(1).toByteArray(), "ModelProto.graph has wire type 0");
    }

    @Test
    void refusesInconsistentTensors() {
        byte[] shortRaw = new OnnxTestModel().graphBytes(new OnnxTestModel.Proto().message(5, new OnnxTestModel.Proto()
                .tag(1, 0).varint(4).tag(2, 0).varint(1).string(8, "w").bytes(9, new byte[12])).toByteArray()).build();
        assertRefused(shortRaw, "ONNX initializer w: raw_data has 12 bytes, shape [4] needs 16");
        byte[] fewFloats = new OnnxTestModel().floatDataInitializer("f", new float[] {1, 2}, true, 3).build();
        assertRefused(fewFloats, "ONNX initializer f: float_data has 2 values, shape [3] needs 3");
        byte[] nameless = new OnnxTestModel().graphBytes(new OnnxTestModel.Proto().message(5, new OnnxTestModel.Proto()
                .tag(2, 0).varint(1)).toByteArray()).build();
        assertRefused(nameless, "initializer without a name");
        byte[] external = new OnnxTestModel().graphBytes(new OnnxTestModel.Proto().message(5, new OnnxTestModel.Proto()
                .tag(2, 0).varint(1).string(8, "ext").tag(14, 0).varint(1)).toByteArray()).build();
        assertRefused(external, "ext keeps its data in an external file");
        byte[] twice = new OnnxTestModel().initializer("w", new float[] {1}, 1).initializer("w", new float[] {2}, 1).build();
        assertRefused(twice, "ONNX initializer w appears twice");
        byte[] negative = new OnnxTestModel().graphBytes(new OnnxTestModel.Proto().message(5, new OnnxTestModel.Proto()
                .tag(1, 0).varint(-1).tag(2, 0).varint(1).string(8, "neg")).toByteArray()).build();
        assertRefused(negative, "ONNX initializer neg has unsupported dims");
    }

    private static void assertRefused(byte[] bytes, String message) {
        assertThatThrownBy(() -> OnnxReader.read(bytes)).isInstanceOf(IOException.class).hasMessageContaining(message);
    }
}
