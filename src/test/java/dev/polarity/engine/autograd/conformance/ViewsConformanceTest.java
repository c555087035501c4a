package dev.polarity.engine.autograd.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** In-place writes through views, after PyTorch's test_autograd.py. */
class ViewsConformanceTest {
    @Test
    void test_inplace_view_leaf_errors() {
        Tensor x = Tensor.zeros(1).requiresGrad(true);
        Tensor y = x.view(1);
        assertThatThrownBy(() -> y.add_(Tensor.ones(1))).hasMessageContaining("requires grad");
    }

    @Test
    void aViewTakenBeforeItsBaseRequiredGradRefusesInPlaceWritesOnceItDoes() {
        Tensor a = Tensor.zeros(3);
        Tensor v = a.narrow(0, 0, 2);
        Tensor vv = v.view(2, 1);
        v.add_(Tensor.ones(2)); // fine while nothing requires grad
        a.requiresGrad(true);
        assertThat(v.base()).isSameAs(a);
        assertThat(vv.base()).as("a view of a view points at the root").isSameAs(a);
        assertThatThrownBy(() -> v.add_(Tensor.ones(2))).hasMessageContaining("view").hasMessageContaining("requires grad");
        assertThatThrownBy(() -> vv.fill_(0f)).hasMessageContaining("view");
        GradMode.noGrad(() -> v.add_(Tensor.ones(2))); // allowed under noGrad, as optimizers write
        assertThat(a.toArray()).containsExactly(2f, 2f, 0f);
    }

    @Test
    void detachIsNotAViewForAutogradAndMayBeWritten() {
        Tensor a = Tensor.zeros(3).requiresGrad(true);
        Tensor d = a.detach();
        assertThat(d.isView()).isFalse();
        d.add_(Tensor.ones(3));
        assertThat(a.toArray()).containsExactly(1f, 1f, 1f);
    }
}
