package dev.polarity.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * ONNX Runtime running the original all-MiniLM-L6-v2 graph: the oracle (and the speed peer); or
 * the same model dynamically quantized to int8 by ONNX Runtime's tool, the quantized speed peer.
 * Test scope only.
 */
public final class OnnxRuntimeOracle implements AutoCloseable {
    /** The float32 graph. */
    public static final String FLOAT32 = "/all-minilm-l6-v2.onnx";
    /** int8 weights, activations quantized per pass (DynamicQuantizeLinear + MatMulInteger). */
    public static final String INT8 = "/all-minilm-l6-v2-q.onnx";

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OnnxRuntimeOracle(int threads) throws IOException, OrtException {
        this(threads, FLOAT32);
    }

    /** {@code resource}: {@link #FLOAT32} or {@link #INT8}, a path on the test classpath. */
    public OnnxRuntimeOracle(int threads, String resource) throws IOException, OrtException {
        byte[] model;
        try (InputStream in = OnnxRuntimeOracle.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the test classpath");
            }
            model = in.readAllBytes();
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(model, options);
    }

    /** Whether the graph at {@code resource} is on the test classpath. */
    public static boolean present(String resource) {
        return OnnxRuntimeOracle.class.getResource(resource) != null;
    }

    /** last_hidden_state [batch][length][hidden]. */
    public float[][][] lastHiddenState(Batch b) throws OrtException {
        long[] shape = {b.size(), b.length()};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(longs(b.ids())), shape);
             OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(longs(b.mask())), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(longs(b.typeIds())), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            return (float[][][]) r.get(0).getValue();
        }
    }

    private static long[] longs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
