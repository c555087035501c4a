package dev.polarity.engine.io;

import dev.polarity.engine.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the weights and wiring of an ONNX model ({@code ModelProto -> GraphProto}) straight from
 * the protobuf wire format. Only what weight import needs is decoded: FLOAT initializers and the
 * name, op type, inputs and outputs of each node; everything else is skipped by wire type, so
 * newer ONNX versions with extra fields still read. Initializers of any other data type are not
 * decoded but listed by name, type and dims in {@link OnnxGraph#nonFloatInitializers()}, so a
 * caller can refuse them by name. Field numbers come from onnx.proto.
 */
public final class OnnxReader {
    // ModelProto
    private static final int MODEL_GRAPH = 7;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    // ValueInfoProto
    private static final int VALUE_INFO_NAME = 1;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DATA_LOCATION = 14;

    private static final int FLOAT = 1;
    private static final String[] DATA_TYPES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
        "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};

    private OnnxReader() {
    }

    public static OnnxGraph read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    public static OnnxGraph read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    public static OnnxGraph read(byte[] bytes) throws IOException {
        OnnxProtoInput model = new OnnxProtoInput(bytes, 0, bytes.length, "ModelProto");
        OnnxGraph graph = null;
        while (model.hasMore()) {
            int tag = model.readTag();
            if (tag >>> 3 == MODEL_GRAPH) {
                model.expect(tag, OnnxProtoInput.LEN, "ModelProto.graph");
                graph = readGraph(model.readMessage("GraphProto"));
            } else {
                model.skip(tag & 7);
            }
        }
        if (graph == null) {
            throw new IOException("malformed ONNX model: no graph (ModelProto field 7) in " + bytes.length + " bytes");
        }
        return graph;
    }

    private static OnnxGraph readGraph(OnnxProtoInput in) throws IOException {
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        Map<String, String> others = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case GRAPH_NODE -> {
                    in.expect(tag, OnnxProtoInput.LEN, "GraphProto.node");
                    nodes.add(readNode(in.readMessage("NodeProto #" + nodes.size())));
                }
                case GRAPH_INITIALIZER -> {
                    in.expect(tag, OnnxProtoInput.LEN, "GraphProto.initializer");
                    readInitializer(in.readMessage("TensorProto #" + (initializers.size() + others.size())), initializers, others);
                }
                case GRAPH_INPUT, GRAPH_OUTPUT -> {
                    in.expect(tag, OnnxProtoInput.LEN, "GraphProto.input/output");
                    String name = readValueInfoName(in.readMessage("ValueInfoProto"));
                    (tag >>> 3 == GRAPH_INPUT ? inputs : outputs).add(name);
                }
                default -> in.skip(tag & 7);
            }
        }
        // Models below IR version 4 also list every initializer as a graph input; only the real feeds matter.
        inputs.removeIf(name -> initializers.containsKey(name) || others.containsKey(name));
        return new OnnxGraph(nodes, initializers, others, inputs, outputs);
    }

    private static OnnxNode readNode(OnnxProtoInput in) throws IOException {
        String name = "";
        String opType = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case NODE_INPUT -> { in.expect(tag, OnnxProtoInput.LEN, "NodeProto.input"); inputs.add(in.readString("NodeProto.input")); }
                case NODE_OUTPUT -> { in.expect(tag, OnnxProtoInput.LEN, "NodeProto.output"); outputs.add(in.readString("NodeProto.output")); }
                case NODE_NAME -> { in.expect(tag, OnnxProtoInput.LEN, "NodeProto.name"); name = in.readString("NodeProto.name"); }
                case NODE_OP_TYPE -> { in.expect(tag, OnnxProtoInput.LEN, "NodeProto.op_type"); opType = in.readString("NodeProto.op_type"); }
                default -> in.skip(tag & 7);
            }
        }
        return new OnnxNode(name, opType, inputs, outputs);
    }

    private static String readValueInfoName(OnnxProtoInput in) throws IOException {
        String name = "";
        while (in.hasMore()) {
            int tag = in.readTag();
            if (tag >>> 3 == VALUE_INFO_NAME) {
                in.expect(tag, OnnxProtoInput.LEN, "ValueInfoProto.name");
                name = in.readString("ValueInfoProto.name");
            } else {
                in.skip(tag & 7);
            }
        }
        return name;
    }

    private static void readInitializer(OnnxProtoInput in, Map<String, Tensor> into, Map<String, String> others)
            throws IOException {
        String name = null;
        long[] dims = new long[0];
        int dataType = 0;
        int rawStart = -1;
        int rawLength = 0;
        float[] floatData = new float[0];
        int floatCount = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            int wire = tag & 7;
            switch (tag >>> 3) {
                case TENSOR_DIMS -> {
                    if (wire == OnnxProtoInput.LEN) { // packed: the normal encoding for proto3 repeated int64
                        OnnxProtoInput packed = in.readMessage("TensorProto.dims");
                        while (packed.hasMore()) {
                            dims = append(dims, packed.readVarint());
                        }
                    } else {
                        in.expect(tag, OnnxProtoInput.VARINT, "TensorProto.dims");
                        dims = append(dims, in.readVarint());
                    }
                }
                case TENSOR_DATA_TYPE -> { in.expect(tag, OnnxProtoInput.VARINT, "TensorProto.data_type"); dataType = (int) in.readVarint(); }
                case TENSOR_NAME -> { in.expect(tag, OnnxProtoInput.LEN, "TensorProto.name"); name = in.readString("TensorProto.name"); }
                case TENSOR_RAW_DATA -> {
                    in.expect(tag, OnnxProtoInput.LEN, "TensorProto.raw_data");
                    rawStart = in.readLengthDelimited("TensorProto.raw_data");
                    rawLength = in.position() - rawStart;
                }
                case TENSOR_FLOAT_DATA -> {
                    if (wire == OnnxProtoInput.LEN) {
                        int start = in.readLengthDelimited("TensorProto.float_data");
                        int len = in.position() - start;
                        if (len % 4 != 0) {
                            throw in.malformed("packed float_data of " + len + " bytes is not a multiple of 4");
                        }
                        floatData = grow(floatData, floatCount + len / 4);
                        littleEndianFloats(in.buffer(), start, len).get(floatData, floatCount, len / 4);
                        floatCount += len / 4;
                    } else {
                        in.expect(tag, OnnxProtoInput.FIXED32, "TensorProto.float_data");
                        floatData = grow(floatData, floatCount + 1);
                        floatData[floatCount++] = Float.intBitsToFloat(in.readFixed32());
                    }
                }
                case TENSOR_DATA_LOCATION -> {
                    in.expect(tag, OnnxProtoInput.VARINT, "TensorProto.data_location");
                    if (in.readVarint() != 0) {
                        throw new IOException("ONNX initializer " + name + " keeps its data in an external file; only embedded data is supported");
                    }
                }
                default -> in.skip(wire);
            }
        }
        if (name == null || name.isEmpty()) {
            throw in.malformed("initializer without a name");
        }
        if (dataType != FLOAT) {
            String type = dataType >= 0 && dataType < DATA_TYPES.length ? DATA_TYPES[dataType] : "DATA_TYPE_" + dataType;
            // Not decoded: index constants such as position_ids are graph plumbing, not weights, and
            // whoever consumes the graph decides whether skipping them is safe.
            if (into.containsKey(name) || others.put(name, type + Arrays.toString(dims)) != null) {
                throw new IOException("ONNX initializer " + name + " appears twice");
            }
            return;
        }
        int[] shape = toShape(name, dims);
        long numel = 1;
        for (int d : shape) {
            numel *= d;
        }
        float[] values;
        if (rawStart >= 0) {
            if (rawLength != numel * 4) {
                throw new IOException("ONNX initializer " + name + ": raw_data has " + rawLength + " bytes, shape " + Arrays.toString(shape) + " needs " + numel * 4);
            }
            values = new float[(int) numel];
            littleEndianFloats(in.buffer(), rawStart, rawLength).get(values);
        } else {
            if (floatCount != numel) {
                throw new IOException("ONNX initializer " + name + ": float_data has " + floatCount + " values, shape " + Arrays.toString(shape) + " needs " + numel);
            }
            values = floatData.length == floatCount ? floatData : Arrays.copyOf(floatData, floatCount);
        }
        if (others.containsKey(name) || into.put(name, Tensor.fromArray(values, shape)) != null) {
            throw new IOException("ONNX initializer " + name + " appears twice");
        }
    }

    private static int[] toShape(String name, long[] dims) throws IOException {
        int[] shape = new int[dims.length];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE || (numel *= dims[i]) > Integer.MAX_VALUE) {
                throw new IOException("ONNX initializer " + name + " has unsupported dims " + Arrays.toString(dims));
            }
            shape[i] = (int) dims[i];
        }
        return shape;
    }

    private static java.nio.FloatBuffer littleEndianFloats(byte[] buf, int start, int length) {
        return ByteBuffer.wrap(buf, start, length).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private static long[] append(long[] a, long v) {
        long[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    private static float[] grow(float[] a, int needed) {
        return needed <= a.length ? a : Arrays.copyOf(a, Math.max(needed, a.length * 2));
    }
}
