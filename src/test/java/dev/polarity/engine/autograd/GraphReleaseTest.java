package dev.polarity.engine.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.optim.GradClip;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Edge cases of the contract: what a freed graph still holds, flags that views inherit, no-op shapes. */
class GraphReleaseTest {
    @Test
    void aFreedGraphNoLongerReachesItsInputs() {
        Tensor w = Tensor.randn(1, 4, 4).requiresGrad(true);
        Tensor loss = Tensor.randn(2, 3, 4).matmul(w).tanh().sum();
        loss.backward();
        assertThat(loss.gradFn().isFreed()).isTrue();
        assertThat(loss.gradFn().inputs()).containsOnlyNulls();
        assertThatThrownBy(loss::backward).hasMessageContaining("second time");
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
}
