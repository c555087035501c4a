package dev.polarity.engine.optim;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.nn.Parameter;
import java.util.List;

/** Updates parameters in place from their gradients; every step runs inside noGrad(). */
public abstract class Optimizer {
    protected final List<Parameter> params;
    protected float lr;

    protected Optimizer(List<Parameter> params, float lr) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimise");
        }
        this.params = List.copyOf(params);
        this.lr = lr;
    }

    public final void step() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            update();
        }
    }

    /** The update itself; parameters without a gradient are skipped. */
    protected abstract void update();

    public void zeroGrad() {
        params.forEach(Parameter::zeroGrad);
    }

    public float lr() {
        return lr;
    }

    public void setLr(float lr) {
        this.lr = lr;
    }

    public List<Parameter> params() {
        return params;
    }
}
