package dev.polarity.engine.autograd.conformance;

import static dev.polarity.engine.autograd.conformance.Close.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Cases ported from PyTorch's TestAutogradInferenceMode (test/autograd/test_inference_mode.py), each named after its source. */
class InferenceModeConformanceTest {
    private static Tensor ones(boolean requiresGrad) {
        return Tensor.ones(1, 2, 3).requiresGrad(requiresGrad);
    }

    @Test
    void test_inference_mode_context_manager() {
        assertThat(GradMode.isInferenceMode()).isFalse();
        try (GradMode.Scope outer = GradMode.inferenceMode()) {
            assertThat(GradMode.isInferenceMode()).isTrue();
            try (GradMode.Scope inner = GradMode.inferenceMode(false)) {
                assertThat(GradMode.isInferenceMode()).isFalse();
                assertThat(GradMode.isGradEnabled()).isTrue();
                assertThat(Tensor.ones(2).isInference()).as("inference_mode(False) makes normal tensors").isFalse();
            }
            assertThat(GradMode.isInferenceMode()).isTrue();
        }
        assertThat(GradMode.isInferenceMode()).isFalse();
    }

    @Test
    void enableGradInsideInferenceModeTurnsGradOnButRecordsNothing() {
        // c10/core/InferenceMode.h: autograd stays excluded inside inference mode whatever grad mode says.
        Tensor w = ones(true);
        try (GradMode.Scope inf = GradMode.inferenceMode(); GradMode.Scope g = GradMode.enableGrad()) {
            assertThat(GradMode.isGradEnabled()).isTrue();
            Tensor out = w.mul(w);
            assertThat(out.requiresGrad()).isFalse();
            assertThat(out.isInference()).isTrue();
        }
    }

    @Test
    void test_inference_mode_tensor_creation() {
        try (GradMode.Scope s = GradMode.inferenceMode()) {
            Tensor c = Tensor.ones(1, 2, 3);
            assertThat(c.requiresGrad()).isFalse();
            assertThat(c.isInference()).isTrue();
            Tensor tmp = Tensor.ones(1, 2, 3).requiresGrad(true);
            assertThat(tmp.requiresGrad()).isTrue();
            assertThat(tmp.isInference()).isTrue();
        }
    }

    @Test
    void test_inference_mode_existing_autograd_session() {
        Tensor s = ones(true);
        Tensor a = s.copy();
        Tensor out = a.mul(a);
        try (GradMode.Scope inf = GradMode.inferenceMode()) {
            a.add_(Tensor.full(2f, 1, 2, 3));
        }
        assertThat(a.isInference()).isFalse();
        assertThatThrownBy(() -> out.backward(Tensor.ones(1, 2, 3))).hasMessageContaining("in-place");
    }

    @Test
    void test_inference_mode_inf_tensor_in_inf_mode_functional_op() {
        try (GradMode.Scope inf = GradMode.inferenceMode()) {
            for (boolean requiresGrad : new boolean[] {true, false}) {
                Tensor c = ones(requiresGrad);
                Tensor out = c.mul(c);
                assertThat(out.isInference()).isTrue();
                assertThat(out.requiresGrad()).isFalse();
            }
        }
    }

    @Test
    void test_inference_mode_inf_tensor_in_inf_mode_view_op() {
        try (GradMode.Scope inf = GradMode.inferenceMode()) {
            for (boolean requiresGrad : new boolean[] {true, false}) {
                Tensor view = ones(requiresGrad).view(-1);
                assertThat(view.isInference()).isTrue();
                assertThat(view.requiresGrad()).isFalse();
            }
        }
    }

    @Test
    void test_inference_mode_inf_tensor_in_normal_mode_functional_op() {
        Tensor c = GradMode.inferenceMode(() -> ones(false));
        Tensor out = c.mul(c);
        assertThat(out.isInference()).isFalse();
        assertThat(out.requiresGrad()).isFalse();
        assertThat(out.isLeaf()).isTrue();
    }

    @Test
    void test_inference_mode_inf_tensor_in_normal_mode_inplace_op() {
        Tensor c = GradMode.inferenceMode(() -> ones(false));
        assertThatThrownBy(() -> c.add_(Tensor.ones(1, 2, 3))).hasMessageContaining("inference tensor")
                .hasMessageContaining("outside inferenceMode()");
    }

    @Test
    void test_inference_mode_inf_tensor_in_normal_mode_view_op() {
        for (boolean requiresGrad : new boolean[] {true, false}) {
            Tensor c = GradMode.inferenceMode(() -> ones(requiresGrad));
            Tensor out = c.view(-1);
            assertThat(out.isInference()).isTrue();
            assertThat(out.requiresGrad()).isFalse();
            assertThat(out.isLeaf()).isTrue();
        }
    }

    @Test
    void test_normal_tensor_view_output_in_inference_mode() {
        for (boolean requiresGrad : new boolean[] {true, false}) {
            Tensor a = ones(requiresGrad).copy();
            try (GradMode.Scope inf = GradMode.inferenceMode()) {
                Tensor out = a.view(-1);
                assertThat(out.isInference()).isFalse();
                assertThat(out.isView()).isTrue();
                Tensor tmp = out.view(-1);
                assertThat(tmp.isInference()).isFalse();
                assertThat(tmp.isView()).isTrue();
                assertThat(tmp.isLeaf()).isTrue();
                int before = a.version();
                tmp.add_(Tensor.full(2f, 6));
                assertThat(tmp.isInference()).isFalse();
                assertThat(a.version()).isEqualTo(tmp.version()).isGreaterThan(before);
            }
        }
    }

    @Test
    void test_normal_tensor_view_output_in_normal_mode() {
        for (boolean requiresGrad : new boolean[] {true, false}) {
            Tensor a = ones(requiresGrad).copy();
            Tensor out = GradMode.inferenceMode(() -> a.view(-1));
            Tensor tmp = out.mul(out);
            assertThat(tmp.isInference()).isFalse();
            if (requiresGrad) {
                assertThatThrownBy(() -> out.add_(Tensor.ones(6))).hasMessageContaining("view")
                        .hasMessageContaining("requires grad");
            } else {
                out.add_(Tensor.ones(6));
            }
            assertThat(out.view(2, 3).isInference()).isFalse();
        }
    }

    @Test
    void test_mix_inference_and_normal_tensor_functional_op() {
        for (boolean requiresGrad : new boolean[] {true, false}) {
            Tensor s = ones(requiresGrad);
            Tensor c = GradMode.inferenceMode(() -> ones(requiresGrad));
            Tensor out = c.add(s); // add saves nothing for backward: an inference tensor may enter it
            assertThat(out.isInference()).isFalse();
            assertThat(out.requiresGrad()).isEqualTo(requiresGrad);
            if (requiresGrad) {
                out.backward(Tensor.ones(1, 2, 3));
                assertClose(c.grad(), Tensor.ones(1, 2, 3));
                assertThatThrownBy(() -> c.mul(s)).hasMessageContaining("inference tensor")
                        .hasMessageContaining("cannot be saved for backward");
                assertThatThrownBy(() -> c.matmul(Tensor.ones(3, 1).requiresGrad(true)))
                        .hasMessageContaining("cannot be saved for backward");
            }
        }
    }

    @Test
    void test_mix_inference_and_normal_tensor_view_op() {
        for (boolean requiresGrad : new boolean[] {true, false}) {
            Tensor s = ones(requiresGrad);
            Tensor c = GradMode.inferenceMode(() -> Tensor.ones(1, 2, 3));
            Tensor tmp1 = c.view(s.shape().toArray());
            assertThat(tmp1.isInference()).isTrue();
            assertThat(tmp1.requiresGrad()).isFalse();
            Tensor tmp2 = s.view(c.shape().toArray());
            assertThat(tmp2.isInference()).isFalse();
            assertThat(tmp2.requiresGrad()).isEqualTo(requiresGrad);
        }
    }

    @Test
    void test_inference_mode_handle_direct_view_on_rebase() {
        for (boolean requiresGrad : new boolean[] {true, false}) {
            Tensor a = ones(requiresGrad).copy();
            Tensor view = GradMode.inferenceMode(() -> a.view(1, 2, 3));
            if (requiresGrad) {
                assertThatThrownBy(() -> view.add_(Tensor.ones(1, 2, 3))).hasMessageContaining("view");
            } else {
                view.add_(Tensor.ones(1, 2, 3));
            }
        }
    }
}
