package dev.polarity.engine.autograd;

import dev.polarity.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Finite-difference gradient checker. The scalar under test is L = sum(f(inputs) * W) with W a
 * fixed random tensor, so every output element reaches every gradient with its own weight (a
 * plain sum would hide rules that are wrong only up to a per-element permutation or sign).
 * Numeric derivatives are central differences of L, with L accumulated in double and the step
 * taken as the difference of the float32 values actually stored.
 */
public final class GradCheck {
    /** The function under test; it must be deterministic (seed any randomness inside it). */
    @FunctionalInterface
    public interface Op {
        Tensor apply(Tensor... inputs);
    }

    public static final double EPS = 1e-2;
    public static final double ATOL = 2e-3;
    public static final double RTOL = 1e-2;

    private GradCheck() {}

    public static void check(String label, Op f, Tensor... inputs) {
        check(label, EPS, ATOL, RTOL, f, inputs);
    }

    /**
     * Throws an AssertionError naming the input and element when an analytic gradient differs from
     * the numeric one by more than {@code atol + rtol * |numeric|}.
     */
    public static void check(String label, double eps, double atol, double rtol, Op f, Tensor... inputs) {
        for (Tensor x : inputs) {
            if (!x.requiresGrad() || !x.isLeaf() || !x.isContiguous()) {
                throw new IllegalArgumentException(label + ": inputs must be contiguous leaves that require grad");
            }
            x.zeroGrad();
        }
        Tensor out = f.apply(inputs);
        if (!out.requiresGrad() || out.gradFn() == null) {
            throw new AssertionError(label + ": the output was not recorded (no gradFn)");
        }
        Tensor w = Tensor.randn(new Random(label.hashCode()), out.shape().toArray());
        float[] weights = w.toArray();
        out.mul(w).sum().backward();

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (x.grad() == null) {
                throw new AssertionError(label + ": input " + i + " of shape " + x.shape() + " received no gradient");
            }
            if (!x.grad().shape().equals(x.shape())) {
                throw new AssertionError(label + ": gradient of input " + i + " has shape " + x.grad().shape()
                        + ", input has " + x.shape());
            }
            float[] analytic = x.grad().toArray();
            float[] data = x.data();
            int off = x.storageOffset();
            double norm = 0;
            for (int j = 0; j < x.numel(); j++) {
                float orig = data[off + j];
                float up = (float) (orig + eps);
                float down = (float) (orig - eps);
                // Written through data(), so declared with markDirty(): caches keyed by version (packed weights) see it.
                data[off + j] = up;
                GradMode.noGrad(x::markDirty);
                double lossUp = loss(f, inputs, weights);
                data[off + j] = down;
                GradMode.noGrad(x::markDirty);
                double lossDown = loss(f, inputs, weights);
                data[off + j] = orig;
                GradMode.noGrad(x::markDirty);
                double numeric = (lossUp - lossDown) / ((double) up - (double) down);
                norm += numeric * numeric;
                double diff = Math.abs(analytic[j] - numeric);
                if (!(diff <= atol + rtol * Math.abs(numeric))) {
                    failures.add(String.format("input %d %s element %d: analytic %.6f numeric %.6f", i, x.shape(), j,
                            analytic[j], numeric));
                }
            }
            if (norm == 0) {
                throw new AssertionError(label + ": the output does not depend on input " + i + "; the check proves nothing");
            }
        }
        if (!failures.isEmpty()) {
            int shown = Math.min(failures.size(), 8);
            throw new AssertionError(label + ": " + failures.size() + " gradient element(s) disagree with finite differences:\n  "
                    + String.join("\n  ", failures.subList(0, shown)));
        }
    }

    private static double loss(Op f, Tensor[] inputs, float[] weights) {
        float[] out = GradMode.noGrad(() -> f.apply(inputs)).toArray();
        double s = 0;
        for (int k = 0; k < out.length; k++) {
            s += (double) out[k] * weights[k];
        }
        return s;
    }

    /** A standard-normal leaf that requires grad. */
    public static Tensor randn(long seed, int... shape) {
        return Tensor.randn(seed, shape).requiresGrad(true);
    }

    /** A leaf in [0.5, 2) that requires grad: safe for log, sqrt, division and fractional powers. */
    public static Tensor positive(long seed, int... shape) {
        return Tensor.rand(seed, shape).mul(1.5f).add(0.5f).detach().requiresGrad(true);
    }

    /**
     * A leaf holding a shuffled grid of values 0.1 apart and at least 0.05 away from 0, so that
     * neither relu's kink nor a tie in max lies within a finite-difference step.
     */
    public static Tensor distinct(long seed, int... shape) {
        int n = Tensor.zeros(shape).numel();
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add((i - n / 2) * 0.1f + 0.05f);
        }
        java.util.Collections.shuffle(values, new Random(seed));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = values.get(i);
        }
        return Tensor.fromArray(d, shape).requiresGrad(true);
    }
}
