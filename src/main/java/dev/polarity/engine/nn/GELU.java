package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Tensor;

/** GELU with the exact erf, as BERT. */
public final class GELU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.gelu();
    }
}
