package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;

/** y = x W^T + b with W stored [out, in], PyTorch's layout, so imported weights load as they are. */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int in, int out, boolean withBias, Random rng) {
        float bound = (float) (1.0 / Math.sqrt(in));
        weight = registerParameter("weight", new Parameter(Tensor.rand(rng, out, in).mul(2 * bound).sub(bound)));
        bias = withBias ? registerParameter("bias", new Parameter(Tensor.rand(rng, out).mul(2 * bound).sub(bound))) : null;
    }

    public Linear(int in, int out, Random rng) {
        this(in, out, true, rng);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, Functional.Activation.NONE);
    }

    /** act(x W^T + b) as one fused op. */
    public Tensor forward(Tensor x, Functional.Activation act) {
        if (x.size(-1) != weight.size(1)) {
            throw new IllegalArgumentException("Linear(" + weight.size(1) + " -> " + weight.size(0) + "): input of shape "
                    + x.shape() + " has last dimension " + x.size(-1));
        }
        return Functional.linear(x, weight, bias, act);
    }
}
