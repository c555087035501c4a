package dev.polarity.engine.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polarity.engine.nn.GELU;
import dev.polarity.engine.nn.LayerNorm;
import dev.polarity.engine.nn.Linear;
import dev.polarity.engine.nn.Sequential;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the graph holds: nothing under noGrad(), something with grad on; deep graphs are swept without
 * recursion; GraphStats counts per thread and in total.
 */
class GraphMemoryTest {

    private static Sequential model() {
        Random rng = new Random(3);
        return new Sequential(new Linear(16, 32, rng), new GELU(), new LayerNorm(32, 1e-5f), new Linear(32, 4, rng));
    }

    @Test
    void forwardUnderNoGradCreatesNoNodeAndKeepsNothingReachable() {
        Sequential m = model();
        m.eval();
        Tensor batch = Tensor.randn(1, 8, 16);
        long before = GraphStats.threadNodes();
        Tensor out;
        try (GradMode.Scope s = GradMode.noGrad()) {
            out = m.forward(batch);
        }
        assertThat(GraphStats.threadNodes() - before).isZero();
        assertThat(out.shape().toArray()).containsExactly(8, 4);
        assertThat(out.gradFn()).isNull();
        assertThat(out.requiresGrad()).isFalse();
        assertThat(Backward.sizeOf(out)).isEqualTo(new Backward.GraphSize(0, 0));
    }

    @Test
    void forwardWithGradOnRecordsNodesAndSavesTensors() {
        Sequential m = model();
        Tensor batch = Tensor.randn(1, 8, 16);
        long before = GraphStats.threadNodes();
        Tensor out = m.forward(batch);
        long created = GraphStats.threadNodes() - before;
        Backward.GraphSize size = Backward.sizeOf(out);
        assertThat(created).isPositive();
        assertThat(size.nodes()).isPositive().isLessThanOrEqualTo((int) created);
        // At least the two weight matrices (16x32 and 32x4 floats) are held for backward.
        assertThat(size.savedBytes()).isGreaterThanOrEqualTo(4L * (16 * 32 + 32 * 4));

        out.sum().backward();
        assertThat(Backward.sizeOf(out).savedBytes()).as("backward frees what the graph saved").isZero();
    }

    @Test
    void sameInputsRecordUnderEvalWithGradOnButNotUnderNoGrad() {
        Sequential m = model();
        m.eval();
        Tensor batch = Tensor.randn(2, 4, 16);
        assertThat(Backward.sizeOf(m.forward(batch)).nodes()).isPositive();
        assertThat(Backward.sizeOf(GradMode.noGrad(() -> m.forward(batch))).nodes()).isZero();
        assertThat(Backward.sizeOf(GradMode.inferenceMode(() -> m.forward(batch))).nodes()).isZero();
    }

    @Test
    void deepChainBackwardDoesNotOverflowTheStack() throws Exception {
        int depth = 20_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<float[]> grad = new AtomicReference<>();
        AtomicReference<Integer> nodes = new AtomicReference<>();
        // A small stack makes any recursion over the graph fail long before 20,000 levels.
        Thread t = new Thread(null, () -> {
            try {
                Tensor x = Tensor.ones(2).requiresGrad(true);
                Tensor y = x;
                for (int i = 0; i < depth; i++) {
                    y = y.add(x);
                }
                nodes.set(Backward.sizeOf(y).nodes());
                y.sum().backward();
                grad.set(x.grad().toArray());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "deep-graph", 256 * 1024);
        t.start();
        t.join();
        assertThat(failure.get()).isNull();
        assertThat(nodes.get()).isEqualTo(depth);
        assertThat(grad.get()).containsExactly(depth + 1f, depth + 1f);
    }

    @Test
    void graphStatsCountPerThreadAndInTotal() throws Exception {
        long mine = GraphStats.threadNodes();
        long total = GraphStats.totalNodes();
        AtomicLong childCount = new AtomicLong(-1);
        Thread child = new Thread(() -> {
            Tensor x = Tensor.ones(2).requiresGrad(true);
            x.mul(x).exp().sum(); // three nodes
            GradMode.noGrad(() -> x.mul(x)); // none
            childCount.set(GraphStats.threadNodes());
        });
        child.start();
        child.join();
        assertThat(childCount.get()).isEqualTo(3);
        assertThat(GraphStats.threadNodes()).isEqualTo(mine);
        assertThat(GraphStats.totalNodes()).isGreaterThanOrEqualTo(total + 3);
        Tensor x = Tensor.ones(2).requiresGrad(true);
        x.add(x);
        assertThat(GraphStats.threadNodes()).isEqualTo(mine + 1);
        assertThat(GraphStats.totalNodes()).isGreaterThanOrEqualTo(total + 4);
    }
}
