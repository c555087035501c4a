package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Functional;
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

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public float eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.layerNorm(weight, bias, eps);
    }

    /** LayerNorm(x + residual), one fused op: how BERT ends each sub-layer. */
    public Tensor forward(Tensor x, Tensor residual) {
        return Functional.addLayerNorm(x, residual, weight, bias, eps);
    }
}
