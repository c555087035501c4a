package dev.polarity.engine.autograd;

import dev.polarity.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The functional entry points of autograd, after {@code torch.autograd}: gradients of outputs
 * with respect to chosen inputs without touching any {@code .grad} ({@link #grad}), and backward
 * from several roots, optionally into a subset of the tensors ({@link #backward}).
 *
 * <p>Backward rules run under {@code noGrad()}: there is no {@code createGraph}, so gradients of
 * gradients are not available (the rules compute through kernels, not recorded ops).
 */
public final class Autograd {
    private Autograd() {}

    /**
     * Gradients of {@code outputs} (weighted by {@code gradOutputs}; null for scalar outputs means
     * ones) with respect to each of {@code inputs}, leaves or not, in order. No {@code .grad}
     * changes. An input the outputs do not depend on is an error.
     */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs, boolean retainGraph) {
        return grad(outputs, inputs, gradOutputs, retainGraph, false);
    }

    /** As {@link #grad(List, List, List, boolean)}; with {@code allowUnused} an unused input gets null instead of an error. */
    public static List<Tensor> grad(List<Tensor> outputs, List<Tensor> inputs, List<Tensor> gradOutputs, boolean retainGraph,
            boolean allowUnused) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("grad: no inputs given");
        }
        return Arrays.asList(Backward.execute(outputs, gradOutputs, retainGraph, inputs, false, allowUnused));
    }

    /** The gradient of a scalar {@code output} with respect to {@code input}, freeing the graph. */
    public static Tensor grad(Tensor output, Tensor input) {
        return grad(List.of(output), List.of(input), null, false).get(0);
    }

    /**
     * Backward from several roots at once (each root's gradient summed where the graphs meet).
     * {@code inputs} null: every leaf reached accumulates into {@code .grad}; otherwise only the
     * given tensors do (a non-leaf among them too), as {@code torch.autograd.backward(inputs=...)}.
     */
    public static void backward(List<Tensor> roots, List<Tensor> gradOutputs, boolean retainGraph, List<Tensor> inputs) {
        if (inputs != null && inputs.isEmpty()) {
            throw new IllegalArgumentException("backward: inputs, when given, must not be empty");
        }
        Backward.execute(roots, gradOutputs, retainGraph, inputs, true, true);
    }

    /** Engine internal for {@link Tensor#registerHook}: a hook on a non-leaf runs on the gradient of its node's output. */
    public static RemovableHandle registerHook(Tensor t, UnaryOperator<Tensor> hook) {
        Node node = t.gradFn();
        node.addHook(hook);
        return () -> node.removeHook(hook);
    }

    /** Engine internal for {@link Tensor#retainGrad}. */
    public static void retainGrad(Tensor t) {
        t.gradFn().retain(t);
    }

    /** What {@link Tensor#registerHook} returns: removes the hook. */
    @FunctionalInterface
    public interface RemovableHandle {
        void remove();
    }
}
