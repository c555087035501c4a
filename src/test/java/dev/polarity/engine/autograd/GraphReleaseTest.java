package dev.polarity.engine.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.optim.GradClip;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Edge cases of the contract: what a freed graph still holds, flags that views inherit, no-op shapes. */
class GraphReleaseTest {
    @Test
    void aFreedGraphKeepsItsStructureButNoSavedTensor() {
        // As in PyTorch: backward frees saved tensors, not the links between nodes, so a root kept
        // afterwards pins no activation, and only nodes that saved something refuse a second pass.
        Tensor w = Tensor.randn(1, 4, 4).requiresGrad(true);
        Tensor loss = Tensor.randn(2, 3, 4).matmul(w).tanh().sum();
        assertThat(Backward.sizeOf(loss).savedBytes()).isPositive();
        loss.backward();
        assertThat(Backward.sizeOf(loss).savedBytes()).isZero();
        Node tanh = loss.gradFn().nextFunctions().get(0);
        assertThat(tanh.op()).isEqualTo("tanh");
        assertThat(tanh.isFreed()).isTrue();
        assertThat(tanh.saved()).isEmpty();
        assertThat(loss.gradFn().isFreed()).as("sum saved nothing").isFalse();
        assertThatThrownBy(loss::backward).hasMessageContaining("second time").hasMessageContaining("tanh");
    }

    @Test
    void viewsAndDetachOfInferenceTensorsStayInferenceTensors() {
        Tensor y = GradMode.inferenceMode(() -> Tensor.ones(2, 3).mul(2f));
        Tensor w = Tensor.ones(3, 2).requiresGrad(true);
        assertThat(y.t().isInference()).isTrue();
        assertThat(y.detach().isInference()).isTrue();
        assertThatThrownBy(() -> y.view(6).reshape(2, 3).matmul(w)).hasMessageContaining("inference tensor");
        assertThatThrownBy(() -> y.detach().add_(Tensor.ones(2, 3))).hasMessageContaining("inferenceMode");
    }

    @Test
    void expandToTheSameShapeUnderNoGradDoesNotRequireGrad() {
        Tensor p = Tensor.ones(2, 2).requiresGrad(true);
        Tensor e = GradMode.noGrad(() -> p.expand(2, 2));
        assertThat(e).isNotSameAs(p);
        assertThat(e.requiresGrad()).isFalse();
    }

    @Test
    void inPlaceWritesThroughExpandedViewsAreRefused() {
        Tensor x = Tensor.zeros(1, 4);
        assertThatThrownBy(() -> x.expand(3, 4).add_(Tensor.ones(3, 4))).hasMessageContaining("expanded view");
    }

    @Test
    void clipNormOfZeroMeansNoClipping() {
        Parameter p = new Parameter(Tensor.ones(3));
        p.mul(5f).sum().backward();
        float norm = GradClip.clipGradNorm(List.of(p), 0f);
        assertThat(norm).isGreaterThan(8f);
        assertThat(p.grad().toArray()).containsExactly(5f, 5f, 5f);
    }

    @Test
    void backwardOnTwoThreadsIntoOneLeafLosesNoGradient() throws Exception {
        // As in PyTorch, two threads may run backward on graphs that share a leaf (hogwild-style
        // training, or two requests' losses): each pass adds into the leaf's grad, none is lost.
        Parameter w = new Parameter(Tensor.ones(256));
        int passes = 400;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < passes; i++) {
                        w.mul(1f).sum().backward();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (float g : w.grad().toArray()) {
            assertThat(g).isEqualTo(2f * passes);
        }
    }
}
