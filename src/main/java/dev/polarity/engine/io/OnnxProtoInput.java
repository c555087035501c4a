package dev.polarity.engine.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one protobuf message in a byte array: just the wire format (tags, varints,
 * fixed-width values, length-delimited slices), so that ONNX can be read without a protobuf
 * dependency or generated classes. Sub-messages are windows on the same array, never copies,
 * because the weights of a model are hundreds of megabytes of {@code raw_data}.
 */
final class OnnxProtoInput {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final String what;
    private int pos;
    private final int limit;

    OnnxProtoInput(byte[] buf, int offset, int length, String what) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
        this.what = what;
    }

    byte[] buffer() {
        return buf;
    }

    boolean hasMore() {
        return pos < limit;
    }

    /** Reads a tag and returns it as {@code fieldNumber << 3 | wireType}. */
    int readTag() throws IOException {
        long tag = readVarint();
        int field = (int) (tag >>> 3);
        if (field <= 0 || tag >>> 3 > 0x1FFFFFFFL) {
            throw malformed("invalid field number " + (tag >>> 3));
        }
        int wire = (int) (tag & 7);
        if (wire != VARINT && wire != FIXED64 && wire != LEN && wire != FIXED32) {
            // 3 and 4 are the deprecated groups, which ONNX never uses; 6 and 7 do not exist.
            throw malformed("unsupported wire type " + wire + " for field " + field);
        }
        return (int) tag;
    }

    long readVarint() throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw malformed("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    int readFixed32() throws IOException {
        require(4, "fixed32");
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    /** Reads a length prefix and returns the start of the payload, leaving the cursor after it. */
    int readLengthDelimited(String field) throws IOException {
        long len = readVarint();
        if (len < 0 || len > limit - pos) {
            throw malformed(field + " claims " + len + " bytes but only " + (limit - pos) + " remain");
        }
        int start = pos;
        pos += (int) len;
        return start;
    }

    int position() {
        return pos;
    }

    OnnxProtoInput readMessage(String field) throws IOException {
        int start = readLengthDelimited(field);
        return new OnnxProtoInput(buf, start, pos - start, field);
    }

    String readString(String field) throws IOException {
        int start = readLengthDelimited(field);
        return new String(buf, start, pos - start, StandardCharsets.UTF_8);
    }

    void skip(int wireType) throws IOException {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> { require(8, "fixed64"); pos += 8; }
            case LEN -> readLengthDelimited("unknown field");
            case FIXED32 -> { require(4, "fixed32"); pos += 4; }
            default -> throw malformed("unsupported wire type " + wireType);
        }
    }

    /** Fails unless a known field arrived with the wire type its schema gives it. */
    void expect(int tag, int wireType, String field) throws IOException {
        if ((tag & 7) != wireType) {
            throw malformed(field + " has wire type " + (tag & 7) + ", expected " + wireType);
        }
    }

    IOException malformed(String problem) {
        return new IOException("malformed ONNX protobuf in " + what + ": " + problem);
    }

    private void require(int n, String kind) throws IOException {
        if (limit - pos < n) {
            throw malformed("truncated " + kind);
        }
    }
}
