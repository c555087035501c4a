package dev.polarity.engine.io;

import dev.polarity.engine.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code GraphProto} that weight import uses.
 *
 * @param nodes the nodes in file order
 * @param initializers the FLOAT initializers by name, in file order
 * @param nonFloatInitializers initializers of other data types, not decoded: name to type and dims,
 *     e.g. {@code "INT64[1, 512]"}
 * @param inputs the names of the graph's real inputs (initializers excluded)
 * @param outputs the names of the graph's outputs
 */
public record OnnxGraph(List<OnnxNode> nodes, Map<String, Tensor> initializers, Map<String, String> nonFloatInitializers,
                        List<String> inputs, List<String> outputs) {
    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        nonFloatInitializers = Collections.unmodifiableMap(new LinkedHashMap<>(nonFloatInitializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
