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
 * The reverse sweep: sorts the graph below a root topologically with an explicit stack (graphs
 * of thousands of nodes must not overflow the Java stack), then walks it backwards accumulating
 * gradients. Leaves receive theirs in {@link Tensor#grad()}.
 */
public final class Backward {
    private Backward() {}

    public static void run(Tensor root, Tensor gradOutput, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: tensor of shape " + root.shape()
                    + " does not require grad and has no graph (was it computed under noGrad()?)");
        }
        if (gradOutput == null) {
            if (root.numel() != 1) {
                throw new IllegalArgumentException("backward: a gradient can be implied only for a scalar output, got shape "
                        + root.shape() + "; pass backward(grad)");
            }
            gradOutput = Tensor.ones(root.shape().toArray());
        } else if (!gradOutput.shape().equals(root.shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + gradOutput.shape()
                    + " does not match output shape " + root.shape());
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Node top = root.gradFn();
            if (top == null) {
                root.accumulateGrad(gradOutput);
                return;
            }
            List<Node> order = topologicalOrder(top);
            Map<Node, Tensor> pending = new IdentityHashMap<>();
            pending.put(top, gradOutput);
            for (Node node : order) {
                Tensor g = pending.remove(node);
                if (g == null) {
                    continue;
                }
                Tensor[] grads = node.applyBackward(g);
                for (int i = 0; i < node.inputCount(); i++) {
                    Tensor in = node.input(i);
                    if (in == null || !in.requiresGrad() || grads[i] == null) {
                        continue;
                    }
                    Tensor gi = grads[i];
                    if (!gi.shape().equals(in.shape())) {
                        throw new IllegalStateException("backward of '" + node.op() + "' produced a gradient of shape "
                                + gi.shape() + " for an input of shape " + in.shape());
                    }
                    Node prev = in.gradFn();
                    if (prev == null) {
                        in.accumulateGrad(gi);
                    } else {
                        pending.merge(prev, gi, Tensor::add);
                    }
                }
                if (!retainGraph) {
                    node.release();
                }
            }
        }
    }

    /** Nodes reachable from {@code top}, each after every node that consumes its output. */
    static List<Node> topologicalOrder(Node top) {
        List<Node> postOrder = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        visited.add(top);
        stack.push(new Object[] {top, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node n = (Node) frame[0];
            int i = (Integer) frame[1];
            if (i < n.inputCount()) {
                frame[1] = i + 1;
                Tensor in = n.input(i);
                Node child = in == null ? null : in.gradFn();
                if (child != null && visited.add(child)) {
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                postOrder.add(n);
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
        List<Node> nodes = topologicalOrder(top);
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
}
