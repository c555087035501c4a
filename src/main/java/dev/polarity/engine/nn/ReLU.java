package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Tensor;

public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
