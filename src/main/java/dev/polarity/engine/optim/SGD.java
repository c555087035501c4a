package dev.polarity.engine.optim;

import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Stochastic gradient descent with optional (heavy-ball) momentum, as torch.optim.SGD. */
public final class SGD extends Optimizer {
    private final float momentum;
    private final Map<Parameter, float[]> velocity = new IdentityHashMap<>();

    public SGD(List<Parameter> params, float lr, float momentum) {
        super(params, lr);
        this.momentum = momentum;
    }

    @Override
    protected void update() {
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            float[] w = p.data();
            float[] gv = g.data();
            int wo = p.storageOffset();
            int go = g.storageOffset();
            float[] v = momentum == 0f ? null : velocity.computeIfAbsent(p, k -> new float[k.numel()]);
            for (int i = 0, n = p.numel(); i < n; i++) {
                float d = gv[go + i];
                if (v != null) {
                    v[i] = momentum * v[i] + d;
                    d = v[i];
                }
                w[wo + i] -= lr * d;
            }
            p.markDirty();
        }
    }
}
