package dev.polarity.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    /** Above the 4 MiB I/O chunk for every dtype, and not a multiple of it, to exercise the chunk loop. */
    private static final int BIG = 2_500_001;

    private Map<String, Tensor> roundTrip(Map<String, Tensor> tensors, DType dtype) throws Exception {
        Path file = dir.resolve("rt-" + dtype + ".safetensors");
        SafeTensors.write(file, tensors, dtype);
        return SafeTensors.read(file);
    }

    private static Map<String, Tensor> sample(long seed) {
        Random rng = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("scalar", Tensor.scalar(0.3f));
        m.put("vec", Tensor.randn(rng, 7));
        m.put("big", Tensor.randn(rng, BIG));
        m.put("cube", Tensor.randn(rng, 2, 3, 4));
        m.put("empty", Tensor.zeros(0, 5));
        return m;
    }

    @Test
    void f32IsBitExactIncludingSpecialValues() throws Exception {
        Map<String, Tensor> in = sample(1);
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7fc12345), Float.MIN_VALUE, Float.MAX_VALUE, -Float.MIN_NORMAL};
        in.put("special", Tensor.fromArray(special, special.length));
        Map<String, Tensor> out = roundTrip(in, DType.F32);
        assertThat(out.keySet()).containsExactlyElementsOf(in.keySet());
        for (String name : in.keySet()) {
            assertThat(out.get(name).shape()).isEqualTo(in.get(name).shape());
            assertThat(bits(out.get(name).toArray())).as(name).isEqualTo(bits(in.get(name).toArray()));
        }
    }

    @Test
    void f16StaysWithinHalfPrecision() throws Exception {
        Map<String, Tensor> in = sample(2);
        Map<String, Tensor> out = roundTrip(in, DType.F16);
        for (String name : in.keySet()) {
            assertThat(out.get(name).shape()).isEqualTo(in.get(name).shape());
            assertWithinRelative(in.get(name).toArray(), out.get(name).toArray(), 0x1p-11f, 0x1p-25f);
        }
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            65504f, -65504f, 70000f, 0x1p-24f, 0x1p-14f, 1e-9f, 1f / 3};
        float[] back = roundTrip(Map.of("s", Tensor.fromArray(special, 12)), DType.F16).get("s").toArray();
        assertThat(back[0]).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(back[1])).isEqualTo(0x80000000); // -0 keeps its sign
        assertThat(back[2]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(back[3]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(back[4]).isNaN();
        assertThat(back[5]).isEqualTo(65504f); // half max
        assertThat(back[6]).isEqualTo(-65504f);
        assertThat(back[7]).isEqualTo(Float.POSITIVE_INFINITY); // overflow
        assertThat(back[8]).isEqualTo(0x1p-24f); // smallest subnormal
        assertThat(back[9]).isEqualTo(0x1p-14f); // smallest normal
        assertThat(back[10]).isEqualTo(0f); // underflow
        assertThat(back[11]).isEqualTo(0.33325195f);
    }

    @Test
    void bf16StaysWithinItsPrecision() throws Exception {
        Map<String, Tensor> in = sample(3);
        Map<String, Tensor> out = roundTrip(in, DType.BF16);
        for (String name : in.keySet()) {
            assertThat(out.get(name).shape()).isEqualTo(in.get(name).shape());
            assertWithinRelative(in.get(name).toArray(), out.get(name).toArray(), 0x1p-8f, 0f);
        }
        float bf16Max = Float.intBitsToFloat(0x7f7f0000);
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            bf16Max, Float.MAX_VALUE, Float.intBitsToFloat(0x00010000), 1e30f, 1f / 3};
        float[] back = roundTrip(Map.of("s", Tensor.fromArray(special, 10)), DType.BF16).get("s").toArray();
        assertThat(back[0]).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(back[1])).isEqualTo(0x80000000);
        assertThat(back[2]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(back[3]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(back[4]).isNaN();
        assertThat(back[5]).isEqualTo(bf16Max);
        assertThat(back[6]).isEqualTo(Float.POSITIVE_INFINITY); // rounds past bf16 max
        assertThat(back[7]).isEqualTo(Float.intBitsToFloat(0x00010000)); // float subnormal survives
        assertThat(back[8]).isCloseTo(1e30f, org.assertj.core.data.Percentage.withPercentage(0.4));
        assertThat(back[9]).isEqualTo(0.333984375f);
    }

    @Test
    void metadataRoundTripsAndIsOptional() throws Exception {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("quote\"and\\slash", "line\nbreak \u0001 é 😀");
        meta.put("empty", "");
        Path file = dir.resolve("meta.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.ones(2)), DType.F32, meta);
        assertThat(SafeTensors.readMetadata(file)).containsExactlyEntriesOf(meta);
        assertThat(SafeTensors.read(file)).containsOnlyKeys("w");

        SafeTensors.write(file, Map.of("w", Tensor.ones(2)), DType.F32, null);
        assertThat(SafeTensors.readMetadata(file)).isEmpty();
    }

    @Test
    void keepsInsertionOrderAndWritesViewsInLogicalOrder() throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (String name : List.of("z", "encoder.layer.10.w", "a", "encoder.layer.2.w", "m")) {
            in.put(name, Tensor.ones(1));
        }
        Tensor base = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        in.put("transposed", base.t()); // non-contiguous view
        in.put("narrowed", base.narrow(1, 1, 2));
        Map<String, Tensor> out = roundTrip(in, DType.F32);
        assertThat(out.keySet()).containsExactlyElementsOf(in.keySet());
        assertThat(out.get("transposed").shape().toArray()).containsExactly(3, 2);
        assertThat(out.get("transposed").toArray()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(out.get("narrowed").toArray()).containsExactly(2, 3, 5, 6);
    }

    @Test
    void overwritesAtomicallyAndLeavesNoTempFiles() throws Exception {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.ones(3)), DType.F32);
        SafeTensors.write(file, Map.of("v", Tensor.zeros(2)), DType.F16);
        assertThat(SafeTensors.read(file)).containsOnlyKeys("v");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void refusesNamesTheFormatReserves() {
        Path file = dir.resolve("bad.safetensors");
        assertThatThrownBy(() -> SafeTensors.write(file, Map.of("__metadata__", Tensor.ones(1)), DType.F32))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafeTensors.write(file, Map.of("\uD800", Tensor.ones(1)), DType.F32))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(file).doesNotExist();
    }

    private static void assertWithinRelative(float[] expected, float[] actual, float rel, float abs) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            float tol = Math.max(Math.abs(expected[i]) * rel, abs);
            if (Math.abs(actual[i] - expected[i]) > tol) {
                throw new AssertionError("element " + i + ": " + actual[i] + " vs " + expected[i]);
            }
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
