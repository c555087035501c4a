package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Tensor;

/** A leaf tensor that a Module owns and an optimizer updates; requires grad unless told otherwise. */
public final class Parameter extends Tensor {
    public Parameter(Tensor data) {
        this(data, true);
    }

    public Parameter(Tensor data, boolean requiresGrad) {
        super(data.detach(), requiresGrad);
    }
}
