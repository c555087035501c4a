package dev.polarity.engine.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SGD and AdamW against steps computed by hand, plus the schedule and gradient clipping. */
class OptimizerTest {

    private static Parameter param(float... values) {
        return new Parameter(Tensor.fromArray(values, values.length));
    }

    /** Sets p.grad to the gradient of sum(k * p^2 / 2), i.e. k * p. */
    private static void quadraticGrad(Parameter p, float k) {
        p.zeroGrad();
        p.mul(p).mul(k / 2f).sum().backward();
    }

    @Test
    void sgdWithoutMomentumStepsAgainstTheGradient() {
        Parameter p = param(1f, -2f);
        SGD sgd = new SGD(List.of(p), 0.1f, 0f);
        quadraticGrad(p, 1f);
        sgd.step();
        assertThat(p.toArray()).containsExactly(0.9f, -1.8f);
    }

    @Test
    void sgdWithMomentumMatchesHandComputedSteps() {
        Parameter p = param(1f, -2f);
        SGD sgd = new SGD(List.of(p), 0.1f, 0.9f);
        // grad = p. Step 1: v = g = [1, -2]; p = [0.9, -1.8].
        quadraticGrad(p, 1f);
        sgd.step();
        assertThat(p.toArray()).usingComparatorWithPrecision(1e-6f).containsExactly(0.9f, -1.8f);
        // Step 2: g = [0.9, -1.8]; v = 0.9 * [1, -2] + g = [1.8, -3.6]; p = [0.72, -1.44].
        quadraticGrad(p, 1f);
        sgd.step();
        assertThat(p.toArray()).usingComparatorWithPrecision(1e-6f).containsExactly(0.72f, -1.44f);
        // Step 3: g = [0.72, -1.44]; v = [1.62 + 0.72, -3.24 - 1.44] = [2.34, -4.68]; p = [0.486, -0.972].
        quadraticGrad(p, 1f);
        sgd.step();
        assertThat(p.toArray()).usingComparatorWithPrecision(1e-6f).containsExactly(0.486f, -0.972f);
    }

    @Test
    void optimizersSkipParametersWithoutAGradient() {
        Parameter p = param(1f);
        Parameter untouched = param(5f);
        new SGD(List.of(p, untouched), 0.1f, 0.9f).step();
        new AdamW(List.of(p, untouched), 0.1f, 0.5f).step();
        assertThat(untouched.toArray()).containsExactly(5f);
        assertThat(p.toArray()).containsExactly(1f);
        assertThatThrownBy(() -> new SGD(List.of(), 0.1f, 0f)).hasMessageContaining("SGD").hasMessageContaining("no parameters");
    }

    @Test
    void adamWFirstStepMovesEachWeightByLrTimesTheSignAfterDecay() {
        // Bias correction makes the first update lr * g / |g| whatever the gradient's scale.
        Parameter p = param(1f, -2f, 3f);
        AdamW adam = new AdamW(List.of(p), 0.1f, 0.1f);
        p.zeroGrad();
        p.mul(Tensor.fromArray(new float[] {2f, 1e-3f, -1e3f}, 3)).sum().backward(); // grad = [2, 1e-3, -1e3]
        adam.step();
        float shrink = 1f - 0.1f * 0.1f;
        assertThat(p.get(0)).isCloseTo(1f * shrink - 0.1f, within(1e-5f));
        assertThat(p.get(1)).isCloseTo(-2f * shrink - 0.1f, within(1e-4f));
        assertThat(p.get(2)).isCloseTo(3f * shrink + 0.1f, within(1e-5f));
        assertThat(adam.steps()).isEqualTo(1);
    }

    @Test
    void adamWMatchesAHandComputedReferenceForThreeSteps() {
        float lr = 0.05f;
        float b1 = 0.8f;
        float b2 = 0.95f;
        float eps = 1e-6f;
        float wd = 0.2f;
        Parameter p = param(1.5f, -0.5f);
        AdamW adam = new AdamW(List.of(new AdamW.Group(List.of(p), wd)), lr, b1, b2, eps);
        double[] w = {1.5, -0.5};
        double[] m = new double[2];
        double[] v = new double[2];
        for (int t = 1; t <= 3; t++) {
            quadraticGrad(p, 3f); // grad = 3 p
            adam.step();
            for (int i = 0; i < 2; i++) {
                double g = 3 * w[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mhat = m[i] / (1 - Math.pow(b1, t));
                double vhat = v[i] / (1 - Math.pow(b2, t));
                w[i] = w[i] * (1 - lr * wd) - lr * mhat / (Math.sqrt(vhat) + eps);
            }
            assertThat(p.get(0)).as("w0 after step %d", t).isCloseTo((float) w[0], within(1e-5f));
            assertThat(p.get(1)).as("w1 after step %d", t).isCloseTo((float) w[1], within(1e-5f));
        }
    }

    @Test
    void adamWDecayIsDecoupledFromTheGradient() {
        // A zero gradient gives a zero Adam update, so only the decoupled decay moves the weight.
        Parameter decayed = param(2f);
        Parameter exempt = param(2f);
        AdamW adam = new AdamW(List.of(new AdamW.Group(List.of(decayed), 0.5f), new AdamW.Group(List.of(exempt), 0f)),
                0.1f, 0.9f, 0.999f, 1e-8f);
        for (int t = 0; t < 3; t++) {
            decayed.zeroGrad();
            exempt.zeroGrad();
            decayed.mul(0f).add(exempt.mul(0f)).sum().backward();
            adam.step();
        }
        assertThat(decayed.get(0)).isCloseTo((float) (2 * Math.pow(1 - 0.1 * 0.5, 3)), within(1e-6f));
        assertThat(exempt.get(0)).isEqualTo(2f);
    }

    @Test
    void adamWGroupLrScaleScalesTheStepAndTheDecay() {
        // First Adam step is lr * sign(g); a group at scale 0.25 moves a quarter as far and decays a quarter as much.
        Parameter full = param(1f);
        Parameter quarter = param(1f);
        AdamW adam = new AdamW(List.of(new AdamW.Group(List.of(full), 0.5f), new AdamW.Group(List.of(quarter), 0.5f, 0.25f)),
                0.1f, 0.9f, 0.999f, 1e-8f);
        full.add(quarter).sum().backward(); // grad = 1 for both
        adam.step();
        assertThat(full.get(0)).isCloseTo(1f * (1f - 0.1f * 0.5f) - 0.1f, within(1e-6f));
        assertThat(quarter.get(0)).isCloseTo(1f * (1f - 0.025f * 0.5f) - 0.025f, within(1e-6f));
        assertThatThrownBy(() -> new AdamW.Group(List.of(full), 0f, 0f)).hasMessageContaining("lr scale");
    }

    @Test
    void linearScheduleWarmsUpThenDecaysToZero() {
        LinearSchedule s = new LinearSchedule(1f, 4, 10);
        assertThat(s.at(0)).isEqualTo(0.25f);
        assertThat(s.at(1)).isEqualTo(0.5f);
        assertThat(s.at(3)).isEqualTo(1f);
        assertThat(s.at(4)).isEqualTo(1f);
        assertThat(s.at(7)).isCloseTo(0.5f, within(1e-7f));
        assertThat(s.at(9)).isCloseTo(1f / 6, within(1e-7f));
        assertThat(s.at(10)).isZero();
        assertThat(s.at(50)).isZero();
        assertThat(new LinearSchedule(2f, 0, 4).at(0)).isEqualTo(2f);
        assertThat(new LinearSchedule(2f, 0, 4).at(2)).isEqualTo(1f);
        assertThatThrownBy(() -> new LinearSchedule(1f, 5, 4)).hasMessageContaining("LinearSchedule");
        assertThatThrownBy(() -> new LinearSchedule(1f, 0, 0)).hasMessageContaining("LinearSchedule");
    }

    @Test
    void gradClipScalesToTheGlobalNormOnlyWhenAbove() {
        Parameter a = param(0f, 0f);
        Parameter b = param(0f);
        Parameter none = param(7f);
        a.mul(Tensor.fromArray(new float[] {3f, 0f}, 2)).sum().add(b.mul(4f).sum()).backward(); // grads [3, 0] and [4]
        float norm = GradClip.clipGradNorm(List.of(a, b, none), 1f);
        assertThat(norm).isCloseTo(5f, within(1e-6f));
        assertThat(a.grad().toArray()).usingComparatorWithPrecision(1e-5f).containsExactly(0.6f, 0f);
        assertThat(b.grad().get(0)).isCloseTo(0.8f, within(1e-5f));
        assertThat(none.grad()).isNull();

        float again = GradClip.clipGradNorm(List.of(a, b), 2f);
        assertThat(again).isCloseTo(1f, within(1e-5f));
        assertThat(b.grad().get(0)).as("below the limit nothing changes").isCloseTo(0.8f, within(1e-5f));
    }
}
