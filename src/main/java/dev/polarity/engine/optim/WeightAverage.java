package dev.polarity.engine.optim;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.nn.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of parameters (Polyak averaging): after each optimizer step,
 * {@code avg = d * avg + (1 - d) * w}. The average of the late, noisy iterates usually scores a
 * little better and more steadily than the last one. {@link #swap()} exchanges the live weights
 * and the averages in place (and bumps their versions, so caches keyed on them rebuild), which
 * lets a caller evaluate or save the averaged model and swap back.
 */
public final class WeightAverage {
    private final List<Parameter> params;
    private final float decay;
    private final Map<Parameter, float[]> averages = new IdentityHashMap<>();
    private int updates;

    public WeightAverage(List<Parameter> params, float decay) {
        if (!(decay > 0f && decay < 1f)) {
            throw new IllegalArgumentException("decay must be in (0, 1), got " + decay);
        }
        this.params = List.copyOf(params);
        this.decay = decay;
        for (Parameter p : this.params) {
            averages.put(p, copyOf(p));
        }
    }

    /**
     * Folds the current weights in. Early on the decay is capped at (1 + n) / (10 + n) so the
     * average is not dominated by the starting weights.
     */
    public void update() {
        updates++;
        float d = Math.min(decay, (1f + updates) / (10f + updates));
        for (Parameter p : params) {
            float[] a = averages.get(p);
            float[] w = p.data();
            int off = p.storageOffset();
            for (int i = 0; i < a.length; i++) {
                a[i] = d * a[i] + (1f - d) * w[off + i];
            }
        }
    }

    /** Exchanges live weights and averages; calling it twice restores the original state. */
    public void swap() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            swapAll();
        }
    }

    private void swapAll() {
        for (Parameter p : params) {
            float[] a = averages.get(p);
            float[] w = p.data();
            int off = p.storageOffset();
            for (int i = 0; i < a.length; i++) {
                float t = w[off + i];
                w[off + i] = a[i];
                a[i] = t;
            }
            p.markDirty();
        }
    }

    /** The averaged values of {@code p}, live (for checkpoints). */
    public float[] average(Parameter p) {
        return averages.get(p);
    }

    public int updates() {
        return updates;
    }

    public void setUpdates(int n) {
        updates = n;
    }

    private static float[] copyOf(Parameter p) {
        float[] a = new float[p.numel()];
        System.arraycopy(p.data(), p.storageOffset(), a, 0, a.length);
        return a;
    }
}
