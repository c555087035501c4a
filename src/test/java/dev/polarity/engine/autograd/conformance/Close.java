package dev.polarity.engine.autograd.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.tensor.Tensor;

/** assertEqual(a, b) of PyTorch's tests: same shape, values within float rounding. */
final class Close {
    private Close() {}

    static void assertClose(Tensor actual, Tensor expected) {
        assertThat(actual).as("gradient").isNotNull();
        assertThat(actual.shape()).isEqualTo(expected.shape());
        float[] a = actual.toArray();
        float[] e = expected.toArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(1e-5f * Math.max(1f, Math.abs(e[i]))));
        }
    }
}
