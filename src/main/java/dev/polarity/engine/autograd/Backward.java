package dev.polarity.engine.autograd;

import dev.polarity.engine.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse sweep behind {@link Tensor#backward()} and {@link Autograd}: sorts the graph below
 * the roots topologically with an explicit stack (graphs of thousands of nodes must not overflow
 * the Java stack), then walks it backwards, summing each tensor's gradient before it is used, so
 * hooks and retained gradients see the whole of it.
 *
 * <p>Several threads may sweep graphs that share nodes. A node's rule is taken atomically with
 * the check that its saved tensors are still there ({@link Node#rule()}), so a sweep either
 * delivers every gradient or throws; with retainGraph every sweep delivers.
 */
public final class Backward {
    private Backward() {}

    public static void run(Tensor root, Tensor gradOutput, boolean retainGraph) {
        execute(List.of(root), Collections.singletonList(gradOutput), retainGraph, null, true, false);
    }

    /**
     * One sweep. {@code inputs} null: every leaf reached gets its gradient in {@code .grad}.
     * Otherwise only the given tensors receive one: into {@code .grad} when {@code accumulate}
     * (backward with inputs), or returned in order and no {@code .grad} touched (autograd.grad).
     */
    static Tensor[] execute(List<Tensor> roots, List<Tensor> gradOutputs, boolean retainGraph, List<Tensor> inputs,
            boolean accumulate, boolean allowUnused) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("backward: no outputs given");
        }
        if (gradOutputs != null && gradOutputs.size() != roots.size()) {
            throw new IllegalArgumentException("backward: " + gradOutputs.size() + " gradients for " + roots.size() + " outputs");
        }
        Sweep sweep = new Sweep(inputs, accumulate);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            List<Node> tops = new ArrayList<>();
            for (int r = 0; r < roots.size(); r++) {
                Tensor root = roots.get(r);
                Tensor g = rootGradient(root, gradOutputs == null ? null : gradOutputs.get(r));
                if (root.gradFn() == null) {
                    sweep.addLeaf(root, g);
                } else {
                    tops.add(root.gradFn());
                    sweep.pending.merge(root.gradFn(), g, Tensor::add);
                }
            }
            List<Node> order = topologicalOrder(tops);
            sweep.plan(order);
            for (Node node : order) {
                sweep.visit(node, retainGraph);
            }
            sweep.flushRemainingLeaves();
        }
        return sweep.result(allowUnused);
    }

    private static Tensor rootGradient(Tensor root, Tensor gradOutput) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: tensor of shape " + root.shape()
                    + " does not require grad and has no graph (was it computed under noGrad()?)");
        }
        if (gradOutput == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward: a gradient can be implied only for a scalar output, got shape "
                        + root.shape() + "; pass backward(grad)");
            }
            return Tensor.ones(root.shape().toArray());
        }
        if (!gradOutput.shape().equals(root.shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + gradOutput.shape()
                    + " does not match output shape " + root.shape());
        }
        return gradOutput;
    }

    /** Nodes reachable from {@code tops}, each after every node that consumes its output. */
    static List<Node> topologicalOrder(List<Node> tops) {
        List<Node> postOrder = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Node top : tops) {
            if (!visited.add(top)) {
                continue;
            }
            stack.push(new Object[] {top, 0});
            while (!stack.isEmpty()) {
                Object[] frame = stack.peek();
                Node n = (Node) frame[0];
                int i = (Integer) frame[1];
                if (i < n.inputCount()) {
                    frame[1] = i + 1;
                    Node child = n.nextNode(i);
                    if (child != null && visited.add(child)) {
                        stack.push(new Object[] {child, 0});
                    }
                } else {
                    stack.pop();
                    postOrder.add(n);
                }
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    /** Counts the nodes and the bytes of saved tensors reachable from {@code t}'s graph. */
    public static GraphSize sizeOf(Tensor t) {
        Node top = t.gradFn();
        if (top == null) {
            return new GraphSize(0, 0);
        }
        long bytes = 0;
        Set<Object> storages = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> nodes = topologicalOrder(List.of(top));
        for (Node n : nodes) {
            for (Tensor s : n.saved()) {
                if (storages.add(s.storage())) {
                    bytes += 4L * s.storage().capacity();
                }
            }
        }
        return new GraphSize(nodes.size(), bytes);
    }

    /** What a graph holds: its node count and the bytes of the distinct storages saved for backward. */
    public record GraphSize(int nodes, long savedBytes) {}

    /** The state of one sweep: gradients waiting for their node or leaf, and what the caller asked for. */
    private static final class Sweep {
        final Map<Node, Tensor> pending = new IdentityHashMap<>();
        final Map<Tensor, Tensor> pendingLeaves = new IdentityHashMap<>();
        final Map<Tensor, int[]> leafEdgesLeft = new IdentityHashMap<>();
        final List<Tensor> inputs;
        final boolean accumulate;
        final Map<Node, List<Integer>> captureAtNode = new IdentityHashMap<>();
        final Map<Tensor, List<Integer>> captureAtLeaf = new IdentityHashMap<>();
        final Set<Node> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        final Tensor[] captured;

        Sweep(List<Tensor> inputs, boolean accumulate) {
            this.inputs = inputs;
            this.accumulate = accumulate;
            this.captured = new Tensor[inputs == null ? 0 : inputs.size()];
            if (inputs != null) {
                for (int i = 0; i < inputs.size(); i++) {
                    Tensor in = inputs.get(i);
                    if (!in.requiresGrad()) {
                        throw new IllegalArgumentException("grad: input " + i + " of shape " + in.shape() + " does not require grad");
                    }
                    if (in.gradFn() != null) {
                        captureAtNode.computeIfAbsent(in.gradFn(), k -> new ArrayList<>()).add(i);
                    } else {
                        captureAtLeaf.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                    }
                }
            }
        }

        boolean wantsLeaf(Tensor leaf) {
            return leaf != null && (inputs == null || captureAtLeaf.containsKey(leaf));
        }

        /** Marks the nodes that lead to a wanted gradient (all of them without inputs) and counts each leaf's incoming edges. */
        void plan(List<Node> order) {
            for (int k = order.size() - 1; k >= 0; k--) {
                Node n = order.get(k);
                boolean need = inputs == null || captureAtNode.containsKey(n);
                for (int i = 0; i < n.inputCount() && !need; i++) {
                    need = needed.contains(n.nextNode(i)) || wantsLeaf(n.leaf(i));
                }
                if (need) {
                    needed.add(n);
                }
            }
            for (Node n : needed) {
                for (int i = 0; i < n.inputCount(); i++) {
                    if (wantsLeaf(n.leaf(i))) {
                        leafEdgesLeft.computeIfAbsent(n.leaf(i), k -> new int[1])[0]++;
                    }
                }
            }
        }

        void visit(Node node, boolean retainGraph) {
            Tensor g = pending.remove(node);
            if (!needed.contains(node)) {
                return;
            }
            if (g != null) {
                g = node.applyHooks(g);
                List<Integer> positions = captureAtNode.get(node);
                if (positions != null) {
                    deliver(positions, inputs.get(positions.get(0)), g);
                }
                Tensor retained = node.retainedOutput();
                if (retained != null && !(accumulate && positions != null)) {
                    retained.accumulateGrad(g);
                }
            }
            boolean[] inputNeeded = new boolean[node.inputCount()];
            boolean leadsOn = false;
            for (int i = 0; i < node.inputCount(); i++) {
                inputNeeded[i] = needed.contains(node.nextNode(i)) || wantsLeaf(node.leaf(i));
                leadsOn |= inputNeeded[i];
            }
            Tensor[] grads = g != null && leadsOn ? node.rule().apply(g, inputNeeded) : null;
            for (int i = 0; i < node.inputCount(); i++) {
                Tensor gi = grads == null ? null : grads[i];
                if (gi != null && node.inputShape(i) != null && !gi.shape().equals(node.inputShape(i))) {
                    throw new IllegalStateException("backward of '" + node.op() + "' produced a gradient of shape "
                            + gi.shape() + " for an input of shape " + node.inputShape(i));
                }
                Node next = node.nextNode(i);
                if (gi != null && next != null && needed.contains(next)) {
                    pending.merge(next, gi, Tensor::add);
                }
                Tensor leaf = node.leaf(i);
                if (wantsLeaf(leaf)) {
                    if (gi != null) {
                        pendingLeaves.merge(leaf, gi, Tensor::add);
                    }
                    if (--leafEdgesLeft.get(leaf)[0] == 0) {
                        flushLeaf(leaf);
                    }
                }
            }
            if (!retainGraph && grads != null) {
                node.release();
            }
        }

        void addLeaf(Tensor leaf, Tensor g) {
            if (wantsLeaf(leaf)) {
                pendingLeaves.merge(leaf, g, Tensor::add);
            }
        }

        void flushRemainingLeaves() {
            for (Tensor leaf : new ArrayList<>(pendingLeaves.keySet())) {
                flushLeaf(leaf);
            }
        }

        private void flushLeaf(Tensor leaf) {
            Tensor g = pendingLeaves.remove(leaf);
            if (g == null) {
                return;
            }
            g = leaf.applyLeafHooks(g);
            if (inputs == null) {
                leaf.accumulateGrad(g, true); // g leaves the pass here: nothing else holds it
                return;
            }
            deliver(captureAtLeaf.get(leaf), leaf, g);
        }

        /** Hands {@code g} to every position of {@code input} in the caller's list: into its .grad once, or returned. */
        private void deliver(List<Integer> positions, Tensor input, Tensor g) {
            if (accumulate) {
                input.accumulateGrad(g);
            }
            for (int i : positions) {
                captured[i] = g;
            }
        }

        Tensor[] result(boolean allowUnused) {
            if (!accumulate && !allowUnused) {
                for (int i = 0; i < captured.length; i++) {
                    if (captured[i] == null) {
                        throw new IllegalStateException("grad: input " + i + " of shape " + inputs.get(i).shape()
                                + " was not used to compute the outputs; pass allowUnused to get null for it");
                    }
                }
            }
            return captured;
        }
    }
}
