package dev.polarity.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every broken file must fail with an IOException naming the file and the problem, never a stray runtime exception. */
class SafeTensorsMalformedTest {
    @TempDir
    Path dir;

    private static final String JSON_CHARS = "{}[],:\"0123456789-.eE ";
    private static final String A = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private static String tensor(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    private static byte[] file(String header, int dataBytes) {
        return new RawFile().header(header).zeros(dataBytes).build();
    }

    private static Arguments bad(String label, byte[] bytes, String problem) {
        return Arguments.of(label, bytes, problem);
    }

    static Stream<Arguments> malformed() {
        byte[] valid = file(A, 8);
        return Stream.of(
                bad("empty file", new byte[0], "too short"),
                bad("short length field", new byte[] {2, 0, 0}, "too short"),
                bad("header length beyond file", new RawFile().length(100).bytes("{}".getBytes()).build(), "header length 100 exceeds"),
                bad("header length huge unsigned", new RawFile().length(-1).zeros(8).build(), "18446744073709551615"),
                bad("truncated inside header", Arrays.copyOf(valid, 20), "exceeds"),
                bad("file shorter than declared", Arrays.copyOf(valid, valid.length - 3), "beyond the data buffer"),
                bad("invalid JSON", file("{\"a\":{\"dtype\":\"F32\",}}", 0), "invalid JSON"),
                bad("not JSON at all", file("PK\u0003\u0004garbage", 0), "does not start with '{'"),
                bad("header not an object", file("[1, 2]", 0), "does not start with '{'"),
                bad("trailing junk after JSON", file(A + "x", 8), "invalid JSON"),
                bad("not UTF-8", new RawFile().length(4).bytes('{', 0xff, 0xfe, '}').build(), "not valid UTF-8"),
                bad("duplicate tensor", file("{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("a", "F32", "[1]", "[4,8]") + "}", 8), "duplicate key"),
                bad("unknown dtype", file("{" + tensor("a", "I64", "[1]", "[0,8]") + "}", 8), "unsupported dtype 'I64'"),
                bad("dtype not a string", file("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "\"dtype\" must be a string"),
                bad("shape/offset mismatch", file("{" + tensor("a.weight", "F32", "[2,3]", "[0,20]") + "}", 20),
                        "tensor 'a.weight' declares shape [2, 3] (6 elements of F32 = 24 bytes) but data_offsets span 20 bytes"),
                bad("F16 size mismatch", file("{" + tensor("h", "F16", "[3]", "[0,12]") + "}", 12), "3 elements of F16 = 6 bytes"),
                bad("offsets out of range", file("{" + tensor("a", "F32", "[2]", "[8,16]") + "}", 8), "beyond the data buffer, which holds 8 bytes"),
                bad("begin after end", file("{" + tensor("a", "F32", "[0]", "[8,0]") + "}", 8), "invalid data_offsets [8, 0]"),
                bad("negative offset", file("{" + tensor("a", "F32", "[1]", "[-4,0]") + "}", 0), "invalid data_offsets"),
                bad("three offsets", file("{" + tensor("a", "F32", "[1]", "[0,4,8]") + "}", 8), "must be [begin, end]"),
                bad("overlapping", file("{" + tensor("a", "F32", "[2]", "[0,8]") + "," + tensor("b", "F32", "[2]", "[4,12]") + "}", 12),
                        "tensors 'a' [0, 8) and 'b' [4, 12) overlap"),
                bad("hole in buffer", file("{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("b", "F32", "[1]", "[8,12]") + "}", 12),
                        "bytes [4, 8) belong to no tensor"),
                bad("trailing bytes", file(A, 12), "holds 12 bytes but the tensors cover only 8"),
                bad("negative dim", file("{" + tensor("a", "F32", "[2,-1]", "[0,0]") + "}", 0), "negative dimension in shape [2, -1]"),
                bad("fractional dim", file("{" + tensor("a", "F32", "[2.5]", "[0,8]") + "}", 8), "\"shape\" must be an array of integers"),
                bad("shape not an array", file("{" + tensor("a", "F32", "\"2\"", "[0,8]") + "}", 8), "\"shape\" must be an array"),
                bad("dim beyond int", file("{" + tensor("a", "F32", "[4294967296,0]", "[0,0]") + "}", 0), "dimension larger"),
                bad("too many elements", file("{" + tensor("a", "F32", "[65536,65536]", "[0,4]") + "}", 4), "more elements than a Java array"),
                bad("offset beyond long", file("{" + tensor("a", "F32", "[1]", "[0,99999999999999999999]") + "}", 4), "array of integers"),
                bad("missing dtype", file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'a' is missing \"dtype\""),
                bad("missing shape", file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "missing \"shape\""),
                bad("missing offsets", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "missing \"data_offsets\""),
                bad("null field", file("{\"a\":{\"dtype\":null,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "missing \"dtype\""),
                bad("tensor not an object", file("{\"a\":5}", 0), "tensor 'a' must be a JSON object"),
                bad("metadata not an object", file("{\"__metadata__\":[]}", 0), "\"__metadata__\" must be an object"),
                bad("metadata value not a string", file("{\"__metadata__\":{\"epochs\":3}}", 0), "value for key 'epochs' must be a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFileGivesIOExceptionNamingFileAndProblem(String label, byte[] bytes, String problem) throws Exception {
        Path file = dir.resolve("model.safetensors");
        Files.write(file, bytes);
        assertThatThrownBy(() -> SafeTensors.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(problem);
        // Metadata reading validates the same header, so it fails the same way.
        assertThatThrownBy(() -> SafeTensors.readMetadata(file))
                .isInstanceOf(SafeTensorsFormatException.class)
                .hasMessageStartingWith(file.toString());
    }

    @Test
    void aValidFileNextToTheseCasesReads() throws Exception {
        Path file = dir.resolve("ok.safetensors");
        Files.write(file, file(A, 8));
        assertThat(SafeTensors.read(file).get("a").toArray()).containsExactly(0f, 0f);
    }

    @Test
    void missingFileIsAnIOExceptionWithThePath() {
        Path file = dir.resolve("absent.safetensors");
        assertThatThrownBy(() -> SafeTensors.read(file)).isInstanceOf(IOException.class).hasMessageContaining("absent.safetensors");
    }

    @Test
    void truncatingAWrittenFileAnywhereIsCaught() throws Exception {
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.ones(3, 5), "b", Tensor.zeros(5)), DType.F16, Map.of("k", "v"));
        byte[] whole = Files.readAllBytes(file);
        for (int len = 0; len < whole.length; len++) {
            Files.write(file, Arrays.copyOf(whole, len));
            assertThatThrownBy(() -> SafeTensors.read(file)).as("cut at %d", len)
                    .isInstanceOf(SafeTensorsFormatException.class).hasMessageStartingWith(file.toString());
        }
    }

    @Test
    void randomlyCorruptedFilesEitherReadOrFailAsFormatErrors() throws Exception {
        Path file = dir.resolve("fuzz.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.ones(2, 3), "b", Tensor.zeros(4)), DType.BF16, Map.of("k", "v"));
        byte[] whole = Files.readAllBytes(file);
        Random rng = new Random(42);
        for (int round = 0; round < 3000; round++) {
            byte[] bytes = whole.clone();
            for (int flips = 1 + rng.nextInt(3); flips > 0; flips--) {
                // Bias towards the length field and the header, where parsing can go wrong.
                int at = rng.nextInt(4) == 0 ? rng.nextInt(8) : rng.nextInt(bytes.length);
                bytes[at] = (byte) (rng.nextBoolean() ? rng.nextInt(256) : JSON_CHARS.charAt(rng.nextInt(JSON_CHARS.length())));
            }
            Files.write(file, bytes);
            try {
                SafeTensors.read(file);
            } catch (SafeTensorsFormatException expected) {
                assertThat(expected).hasMessageStartingWith(file.toString());
            }
        }
    }
}
