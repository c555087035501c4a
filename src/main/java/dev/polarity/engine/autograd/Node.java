package dev.polarity.engine.autograd;

import dev.polarity.engine.tensor.Shape;
import dev.polarity.engine.tensor.Tensor;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * One recorded operation: where each input's gradient goes, the tensors it saved for backward,
 * and its backward rule. The rule sits beside the forward code of each op (micrograd style); the
 * node only routes gradients. Backward rules return one gradient per input, or null where an
 * input needs none.
 *
 * <p>As in PyTorch, a node links to the nodes that made its inputs (and to leaves that require
 * grad), never to the input tensors themselves: after a backward that did not retain the graph,
 * the saved tensors are gone but the structure stays, so a node that saved nothing can be run
 * again, and a root kept after backward pins no activations. Rules of nodes that save nothing
 * must therefore capture shapes, never tensors.
 */
public final class Node {
    @FunctionalInterface
    public interface BackwardFn {
        Tensor[] apply(Tensor gradOutput);
    }

    /**
     * A rule that is told which inputs need a gradient in this sweep (PyTorch's
     * {@code needs_input_grad}): an explanation wants d/d(input) only, and a linear layer's rule
     * then skips the weight gradient, half of its work.
     */
    @FunctionalInterface
    public interface MaskedBackwardFn {
        Tensor[] apply(Tensor gradOutput, boolean[] needed);
    }

    private final String op;
    private final Node[] next;
    private final Tensor[] leaves;
    private final Shape[] inputShapes;
    private final boolean savesNothing;
    private final List<UnaryOperator<Tensor>> hooks = new CopyOnWriteArrayList<>();
    private volatile WeakReference<Tensor> retained;
    private MaskedBackwardFn fn;
    private Tensor[] saved;
    private int[] savedVersions;

    private Node(String op, Tensor[] inputs, Tensor[] saved, MaskedBackwardFn fn) {
        this.op = op;
        this.next = new Node[inputs.length];
        this.leaves = new Tensor[inputs.length];
        this.inputShapes = new Shape[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            if (in == null) {
                continue;
            }
            inputShapes[i] = in.shape();
            if (in.gradFn() != null) {
                next[i] = in.gradFn();
            } else if (in.requiresGrad()) {
                leaves[i] = in;
            }
        }
        this.fn = fn;
        this.saved = saved;
        this.savesNothing = saved.length == 0;
        this.savedVersions = new int[saved.length];
        for (int i = 0; i < saved.length; i++) {
            savedVersions[i] = saved[i].version();
        }
        GraphStats.nodeCreated();
    }

    /** True when ops record now and at least one input requires grad: only then is a node worth making. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!GradMode.isRecording()) {
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
     * the memory the graph holds can be measured. An inference tensor may be an input (its
     * history is not needed) but never saved, as in PyTorch.
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs, Tensor[] saved, BackwardFn fn) {
        return recordMasked(op, out, inputs, saved, (g, needed) -> fn.apply(g));
    }

    /** As {@link #record}, for a rule that computes only the gradients a sweep needs. */
    public static Tensor recordMasked(String op, Tensor out, Tensor[] inputs, Tensor[] saved, MaskedBackwardFn fn) {
        if (!needsGrad(inputs)) {
            return out;
        }
        for (Tensor t : saved) {
            if (t.isInference()) {
                throw new IllegalStateException(op + ": an inference tensor of shape " + t.shape()
                        + " cannot be saved for backward (it was made in inferenceMode()); clone it outside inferenceMode() first");
            }
        }
        out.attachGradFn(new Node(op, inputs, saved, fn));
        return out;
    }

    public String op() {
        return op;
    }

    /** The nodes that made this node's inputs (null for a leaf or an input without history), as PyTorch's next_functions. */
    public List<Node> nextFunctions() {
        return java.util.Arrays.asList(next.clone());
    }

    int inputCount() {
        return next.length;
    }

    Node nextNode(int i) {
        return next[i];
    }

    Tensor leaf(int i) {
        return leaves[i];
    }

    Shape inputShape(int i) {
        return inputShapes[i];
    }

    /** Tensors held for backward; empty once the graph was freed. */
    public synchronized List<Tensor> saved() {
        return saved == null ? List.of() : List.of(saved);
    }

    /** True once a backward without retainGraph freed what this node saved. */
    public synchronized boolean isFreed() {
        return saved == null && !savesNothing;
    }

    /**
     * Checks the saved tensors and returns the rule to run, atomically with {@link #release}: a
     * rule handed out here stays valid even if another thread frees the node a moment later.
     */
    synchronized MaskedBackwardFn rule() {
        if (fn == null) {
            throw new IllegalStateException("backward through '" + op + "' a second time: what it saved was freed by an "
                    + "earlier backward(); specify retainGraph (backward(grad, true)) the first time to keep the graph");
        }
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].version();
            if (now != savedVersions[i]) {
                throw new IllegalStateException("'" + op + "' saved a tensor of shape " + saved[i].shape()
                        + " for backward at version " + savedVersions[i] + ", but an in-place op changed it (now version "
                        + now + "); gradients would be wrong");
            }
        }
        return fn;
    }

    /** Frees what backward needed; a node that saved nothing keeps its rule and can run again, as in PyTorch. */
    synchronized void release() {
        if (savesNothing) {
            return;
        }
        fn = null;
        saved = null;
        savedVersions = null;
    }

    void addHook(UnaryOperator<Tensor> hook) {
        hooks.add(hook);
    }

    void removeHook(UnaryOperator<Tensor> hook) {
        hooks.remove(hook);
    }

    /** Runs the hooks of this node's output tensor on the whole gradient flowing into it. */
    Tensor applyHooks(Tensor grad) {
        for (UnaryOperator<Tensor> h : hooks) {
            Tensor replaced = h.apply(grad);
            if (replaced != null) {
                grad = replaced;
            }
        }
        return grad;
    }

    void retain(Tensor output) {
        retained = new WeakReference<>(output);
    }

    /** The output tensor whose retainGrad() asked for its gradient, or null. */
    Tensor retainedOutput() {
        WeakReference<Tensor> r = retained;
        return r == null ? null : r.get();
    }

    @Override
    public String toString() {
        return "Node(" + op + ")";
    }
}
