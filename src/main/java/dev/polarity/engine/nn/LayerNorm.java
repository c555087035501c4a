package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Tensor;

/** Normalises the last dimension, then scales and shifts it. */
public final class LayerNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final float eps;

    public LayerNorm(int dim, float eps) {
        this.eps = eps;
        weight = registerParameter("weight", new Parameter(Tensor.ones(dim)));
        bias = registerParameter("bias", new Parameter(Tensor.zeros(dim)));
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.layerNorm(weight, bias, eps);
    }
}
