package dev.polarity.engine.io;

import java.util.List;

/** One ONNX graph node, reduced to what weight import needs: who it is and what it connects. */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
