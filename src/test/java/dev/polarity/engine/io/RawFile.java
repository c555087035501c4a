package dev.polarity.engine.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds safetensors bytes by hand, independent of the writer under test. */
final class RawFile {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** The 8-byte little-endian length, spelled out byte by byte. */
    RawFile length(long n) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (n >>> (8 * i)) & 0xff);
        }
        return this;
    }

    /** A length field for {@code json}, then the json itself as UTF-8. */
    RawFile header(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return length(b.length).bytes(b);
    }

    RawFile bytes(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    RawFile bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    /** {@code count} zero bytes: filler data when only the layout matters. */
    RawFile zeros(int count) {
        return bytes(new byte[count]);
    }

    byte[] build() {
        return out.toByteArray();
    }
}
