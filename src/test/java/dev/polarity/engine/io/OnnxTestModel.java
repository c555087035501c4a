package dev.polarity.engine.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes small ONNX models byte by byte, so that tests can feed the reader every encoding the
 * format allows (and some it does not) and hand the same bytes to ONNX Runtime as an oracle.
 * Field numbers are those of onnx.proto; opset 13, IR version 8.
 */
public final class OnnxTestModel {
    private final Proto graph = new Proto();

    public OnnxTestModel node(String name, String opType, List<String> inputs, List<String> outputs) {
        Proto n = new Proto();
        inputs.forEach(i -> n.string(1, i));
        outputs.forEach(o -> n.string(2, o));
        n.string(3, name).string(4, opType);
        graph.message(1, n);
        return this;
    }

    /** A FLOAT initializer in raw_data, the encoding exporters use for weights. */
    public OnnxTestModel initializer(String name, float[] values, int... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        graph.message(5, tensorHeader(name, 1, dims).bytes(9, raw.array()));
        return this;
    }

    /** A FLOAT initializer in float_data, packed (proto3's default) or as one fixed32 field per value. */
    public OnnxTestModel floatDataInitializer(String name, float[] values, boolean packed, int... dims) {
        Proto t = tensorHeader(name, 1, dims);
        if (packed) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            t.bytes(4, b.array());
        } else {
            for (float v : values) {
                t.tag(4, 5).fixed32(Float.floatToIntBits(v));
            }
        }
        graph.message(5, t);
        return this;
    }

    public OnnxTestModel int64Initializer(String name, long[] values, int... dims) {
        Proto t = tensorHeader(name, 7, dims);
        Proto packed = new Proto();
        for (long v : values) {
            packed.varint(v);
        }
        graph.message(5, t.bytes(7, packed.toByteArray()));
        return this;
    }

    public OnnxTestModel input(String name, int... dims) {
        graph.message(11, valueInfo(name, dims));
        return this;
    }

    public OnnxTestModel output(String name, int... dims) {
        graph.message(12, valueInfo(name, dims));
        return this;
    }

    /** Raw bytes appended to the GraphProto, for unknown-field and corruption tests. */
    public OnnxTestModel graphBytes(byte[] extra) {
        graph.raw(extra);
        return this;
    }

    public byte[] build() {
        Proto model = new Proto();
        model.tag(1, 0).varint(8);                                    // ir_version
        model.string(2, "polarity-test");                             // producer_name
        model.message(8, new Proto().string(1, "").tag(2, 0).varint(13)); // opset_import
        model.message(7, new Proto().string(2, "test").raw(graph.toByteArray()));
        return model.toByteArray();
    }

    private static Proto tensorHeader(String name, int dataType, int... dims) {
        Proto t = new Proto();
        for (int d : dims) {
            t.tag(1, 0).varint(d);
        }
        return t.tag(2, 0).varint(dataType).string(8, name);
    }

    private static Proto valueInfo(String name, int... dims) {
        Proto shape = new Proto();
        for (int d : dims) {
            shape.message(1, new Proto().tag(1, 0).varint(d));
        }
        Proto tensorType = new Proto().tag(1, 0).varint(1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** The protobuf wire format, writing side. */
    public static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Proto tag(int field, int wireType) {
            return varint((long) field << 3 | wireType);
        }

        public Proto varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
            return this;
        }

        public Proto fixed32(int v) {
            for (int i = 0; i < 4; i++) {
                out.write(v >>> (8 * i) & 0xFF);
            }
            return this;
        }

        public Proto bytes(int field, byte[] payload) {
            tag(field, 2).varint(payload.length);
            return raw(payload);
        }

        public Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        public Proto message(int field, Proto m) {
            return bytes(field, m.toByteArray());
        }

        public Proto raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
