package dev.polarity.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.Map;

/** ONNX Runtime running the original all-MiniLM-L6-v2 graph: the oracle (and the speed peer). Test scope only. */
public final class OnnxRuntimeOracle implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OnnxRuntimeOracle(int threads) throws IOException, OrtException {
        byte[] model;
        try (InputStream in = OnnxRuntimeOracle.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            if (in == null) {
                throw new IOException("all-minilm-l6-v2.onnx is not on the test classpath");
            }
            model = in.readAllBytes();
        }
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(model, options);
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
