package dev.polarity.engine.autograd;

import dev.polarity.engine.tensor.Tensor;
import java.util.List;

/**
 * One recorded operation: its inputs, the tensors it saved for backward, and its backward rule.
 * The rule sits beside the forward code of each op (micrograd style); the node only routes
 * gradients. Backward rules return one gradient per input, or null where an input needs none.
 */
public final class Node {
    @FunctionalInterface
    public interface BackwardFn {
        Tensor[] apply(Tensor gradOutput);
    }

    private final String op;
    private final Tensor[] inputs;
    private BackwardFn fn;
    private Tensor[] saved;
    private int[] savedVersions;

    private Node(String op, Tensor out, Tensor[] inputs, Tensor[] saved, BackwardFn fn) {
        this.op = op;
        this.inputs = inputs;
        this.fn = fn;
        this.saved = saved;
        this.savedVersions = new int[saved.length];
        for (int i = 0; i < saved.length; i++) {
            savedVersions[i] = saved[i].version();
        }
        GraphStats.nodeCreated();
    }

    /** True when grad mode is on and at least one input requires grad: only then is a node worth making. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isGradEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Attaches a node to {@code out} when {@link #needsGrad} holds, else returns {@code out} untouched.
     * {@code saved} lists every tensor the rule reads, so in-place changes to them are caught and
     * the memory the graph holds can be measured.
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs, Tensor[] saved, BackwardFn fn) {
        if (!needsGrad(inputs)) {
            return out;
        }
        for (Tensor t : inputs) {
            if (t != null && t.isInference()) {
                throw new IllegalStateException(op + ": an inference tensor of shape " + t.shape()
                        + " cannot be used in a recorded op (it was made in inferenceMode()); clone it outside inferenceMode() first");
            }
        }
        Node node = new Node(op, out, inputs, saved, fn);
        out.attachGradFn(node);
        return out;
    }

    public String op() {
        return op;
    }

    public List<Tensor> inputs() {
        return java.util.Arrays.asList(inputs);
    }

    Tensor input(int i) {
        return inputs[i];
    }

    int inputCount() {
        return inputs.length;
    }

    /** Tensors held for backward; empty once the graph was freed. */
    public List<Tensor> saved() {
        return saved == null ? List.of() : List.of(saved);
    }

    public boolean isFreed() {
        return fn == null;
    }

    Tensor[] applyBackward(Tensor gradOutput) {
        if (fn == null) {
            throw new IllegalStateException("backward through '" + op + "' a second time: its graph was freed by the "
                    + "first backward(); call backward(grad, true) the first time to retain the graph");
        }
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].version();
            if (now != savedVersions[i]) {
                throw new IllegalStateException("'" + op + "' saved a tensor of shape " + saved[i].shape()
                        + " for backward at version " + savedVersions[i] + ", but an in-place op changed it (now version "
                        + now + "); gradients would be wrong");
            }
        }
        return fn.apply(gradOutput);
    }

    /** Frees what backward needed, and the links to the inputs, so a root kept after backward pins no activations. */
    void release() {
        java.util.Arrays.fill(inputs, null);
        fn = null;
        saved = null;
        savedVersions = null;
    }

    @Override
    public String toString() {
        return "Node(" + op + ")";
    }
}
