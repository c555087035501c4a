package dev.polarity.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exponential moving average of weights: the arithmetic, the warm-up cap and the swap. */
class WeightAverageTest {

    private static Parameter param(float... values) {
        return new Parameter(Tensor.fromArray(values, values.length));
    }

    private static void set(Parameter p, float... values) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            System.arraycopy(values, 0, p.data(), p.storageOffset(), values.length);
            p.markDirty();
        }
    }

    @Test
    void startsAtTheInitialWeightsAndFollowsTheCappedDecay() {
        Parameter p = param(0f, 10f);
        WeightAverage ema = new WeightAverage(List.of(p), 0.9f);
        set(p, 1f, 0f);
        ema.update(); // d = min(0.9, 2/11)
        float d1 = 2f / 11f;
        assertThat(ema.average(p)[0]).isCloseTo((1 - d1) * 1f, within(1e-6f));
        assertThat(ema.average(p)[1]).isCloseTo(d1 * 10f, within(1e-6f));
        for (int i = 0; i < 200; i++) {
            ema.update();
        }
        // the cap has long reached 0.9; the average converges on the constant weights
        assertThat(ema.average(p)[0]).isCloseTo(1f, within(1e-5f));
        assertThat(ema.average(p)[1]).isCloseTo(0f, within(1e-5f));
        assertThat(ema.updates()).isEqualTo(201);
    }

    @Test
    void swapExchangesLiveAndAveragedWeightsAndBumpsTheVersion() {
        Parameter p = param(1f, 2f);
        WeightAverage ema = new WeightAverage(List.of(p), 0.5f);
        set(p, 3f, 4f);
        float[] avg = ema.average(p).clone();
        int before = p.version();
        ema.swap();
        assertThat(p.toArray()).containsExactly(avg);
        assertThat(ema.average(p)).containsExactly(3f, 4f);
        assertThat(p.version()).isGreaterThan(before);
        ema.swap();
        assertThat(p.toArray()).containsExactly(3f, 4f);
        assertThat(ema.average(p)).containsExactly(avg);
    }

    @Test
    void swapWorksWithGradEnabledAndLeavesItEnabled() {
        Parameter p = param(1f);
        WeightAverage ema = new WeightAverage(List.of(p), 0.5f);
        ema.swap();
        assertThat(GradMode.isGradEnabled()).isTrue();
        assertThat(p.requiresGrad()).isTrue();
    }

    @Test
    void rejectsADecayOutsideTheOpenUnitInterval() {
        assertThatThrownBy(() -> new WeightAverage(List.of(param(1f)), 1f)).hasMessageContaining("decay");
        assertThatThrownBy(() -> new WeightAverage(List.of(param(1f)), 0f)).hasMessageContaining("decay");
    }
}
