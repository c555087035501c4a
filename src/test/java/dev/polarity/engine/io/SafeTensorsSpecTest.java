package dev.polarity.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files laid out byte by byte from the format description, so we match the spec, not only ourselves. */
class SafeTensorsSpecTest {
    @TempDir
    Path dir;

    @Test
    void readsAHandBuiltFileWithAllThreeDtypes() throws Exception {
        // Header order (h, w, b) differs from data order (w, h, b): offsets, not position, locate data.
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,22]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[22,24]}}   ";
        byte[] bytes = new RawFile().header(header)
                .bytes(0x00, 0x00, 0x80, 0x3f) // w[0,0] =  1.0f   0x3f800000
                .bytes(0x00, 0x00, 0x20, 0xc0) // w[0,1] = -2.5f   0xc0200000
                .bytes(0x00, 0x00, 0x00, 0x3f) // w[1,0] =  0.5f   0x3f000000
                .bytes(0x00, 0x00, 0x40, 0x40) // w[1,1] =  3.0f   0x40400000
                .bytes(0x00, 0x3c)             // h[0] =  1.0      half 0x3c00
                .bytes(0x00, 0xb8)             // h[1] = -0.5      half 0xb800
                .bytes(0xff, 0x7b)             // h[2] =  65504    half 0x7bff
                .bytes(0x49, 0x40)             // b = 3.140625     bf16 0x4049
                .build();
        Path file = dir.resolve("hand.safetensors");
        Files.write(file, bytes);

        Map<String, Tensor> t = SafeTensors.read(file);

        assertThat(t.keySet()).containsExactly("h", "w", "b");
        assertThat(t.get("w").shape().toArray()).containsExactly(2, 2);
        assertThat(t.get("w").toArray()).containsExactly(1f, -2.5f, 0.5f, 3f);
        assertThat(t.get("w").get(1, 0)).isEqualTo(0.5f); // row-major
        assertThat(t.get("h").shape().toArray()).containsExactly(3);
        assertThat(t.get("h").toArray()).containsExactly(1f, -0.5f, 65504f);
        assertThat(t.get("b").shape().toArray()).isEmpty();
        assertThat(t.get("b").item()).isEqualTo(3.140625f);
        assertThat(SafeTensors.readMetadata(file)).containsExactly(Map.entry("format", "pt"));
    }

    @Test
    void writesExactlyTheBytesTheSpecDescribes() throws Exception {
        Path file = dir.resolve("out.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.fromArray(new float[] {1f, 2f}, 2));
        tensors.put("b", Tensor.fromArray(new float[] {-2f}, 1, 1));
        SafeTensors.write(file, tensors, DType.BF16, Map.of("k", "v"));

        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,1],\"data_offsets\":[4,6]}}";
        String padded = json + " ".repeat((8 - json.length() % 8) % 8); // data starts 8-byte aligned
        byte[] expected = new RawFile().header(padded)
                .bytes(0x80, 0x3f, 0x00, 0x40) // 1.0 = 0x3f80, 2.0 = 0x4000
                .bytes(0x00, 0xc0)             // -2.0 = 0xc000
                .build();
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void tolerantOfWhitespaceAndUnknownFieldsInTheHeader() throws Exception {
        String header = "{\n  \"x\" : { \"data_offsets\" : [ 0 , 4 ] , \"extra\": {\"a\": [true, null]},"
                + " \"shape\" : [ 1 ], \"dtype\" : \"F32\" }\n}\n\t  ";
        Path file = dir.resolve("ws.safetensors");
        Files.write(file, new RawFile().header(header).bytes(0x00, 0x00, 0xc0, 0x7f).build()); // NaN
        assertThat(SafeTensors.read(file).get("x").item()).isNaN();
        assertThat(SafeTensors.readMetadata(file)).isEmpty();
    }

    @Test
    void readsEmptyFilesAndEmptyTensors() throws Exception {
        Path none = dir.resolve("none.safetensors");
        Files.write(none, new RawFile().header("{}      ").build());
        assertThat(SafeTensors.read(none)).isEmpty();

        String header = "{\"e\":{\"dtype\":\"F16\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path file = dir.resolve("empty.safetensors");
        Files.write(file, new RawFile().header(header).bytes(0, 0, 0, 0).build());
        Map<String, Tensor> t = SafeTensors.read(file);
        assertThat(t.get("e").shape().toArray()).containsExactly(0, 3);
        assertThat(t.get("e").numel()).isZero();
        assertThat(t.get("s").toArray()).containsExactly(0f);
    }

    @Test
    void utf8NamesKeepTheDataAligned() throws Exception {
        Path file = dir.resolve("utf8.safetensors");
        SafeTensors.write(file, Map.of("poids.é✓", Tensor.fromArray(new float[] {4f}, 1)), DType.F32);
        byte[] bytes = Files.readAllBytes(file);
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = (n << 8) | (bytes[i] & 0xff);
        }
        assertThat(n % 8).isZero();
        assertThat(new String(Arrays.copyOfRange(bytes, 8, 8 + (int) n), StandardCharsets.UTF_8)).contains("poids.é✓");
        assertThat(SafeTensors.read(file).get("poids.é✓").item()).isEqualTo(4f);
    }
}
