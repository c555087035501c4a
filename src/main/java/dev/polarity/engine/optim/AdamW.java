package dev.polarity.engine.optim;

import dev.polarity.engine.kernels.Parallel;
import dev.polarity.engine.kernels.Updates;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), with bias correction. Groups let
 * biases and LayerNorm weights go without decay, as BERT fine-tuning does, and let lower layers
 * learn more slowly than upper ones (a learning-rate scale per group).
 */
public final class AdamW extends Optimizer {
    /** Parameters sharing a weight decay and a learning-rate scale (multiplies the schedule's lr). */
    public record Group(List<Parameter> params, float weightDecay, float lrScale) {
        public Group {
            if (!(lrScale > 0)) {
                throw new IllegalArgumentException("AdamW: a group's lr scale must be positive, got " + lrScale);
            }
        }

        public Group(List<Parameter> params, float weightDecay) {
            this(params, weightDecay, 1f);
        }
    }

    /** The fewest elements worth a task of their own. */
    private static final int CHUNK = 1 << 14;

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final Map<Parameter, Group> groupOf = new IdentityHashMap<>();
    private final Map<Parameter, float[][]> moments = new IdentityHashMap<>();
    private int steps;

    public AdamW(List<Group> groups, float lr, float beta1, float beta2, float eps) {
        super(flatten(groups), lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        groups.forEach(g -> g.params().forEach(p -> groupOf.put(p, g)));
    }

    public AdamW(List<Parameter> params, float lr, float weightDecay) {
        this(List.of(new Group(params, weightDecay)), lr, 0.9f, 0.999f, 1e-8f);
    }

    private static List<Parameter> flatten(List<Group> groups) {
        List<Parameter> all = new ArrayList<>();
        groups.forEach(g -> all.addAll(g.params()));
        return all;
    }

    public int steps() {
        return steps;
    }

    /** Restores the step count and moments when resuming from a checkpoint. */
    public Map<Parameter, float[][]> moments() {
        return moments;
    }

    public void setSteps(int steps) {
        this.steps = steps;
    }

    @Override
    protected void update() {
        steps++;
        float c1 = 1f - (float) Math.pow(beta1, steps);
        float c2 = 1f - (float) Math.pow(beta2, steps);
        Updates kernel = Updates.best();
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            float[][] mv = moments.computeIfAbsent(p, k -> new float[][] {new float[k.numel()], new float[k.numel()]});
            float[] m = mv[0];
            float[] v = mv[1];
            float[] w = p.data();
            float[] gv = g.data();
            int wo = p.storageOffset();
            int go = g.storageOffset();
            Group group = groupOf.get(p);
            float rate = lr * group.lrScale();
            float shrink = 1f - rate * group.weightDecay();
            float b1 = beta1;
            float b2 = beta2;
            float e = eps;
            // Memory-bound: large tensors are split over the pool, each range in one vector pass.
            Parallel.forRows(p.numel(), CHUNK, (i0, n) -> kernel.adamW(w, wo + i0, gv, go + i0, m, v, i0, n,
                    b1, b2, c1, c2, rate, shrink, e));
            p.markDirty();
        }
    }
}
