package dev.polarity.engine.nn;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;

/**
 * Batch normalisation of [batch, features]. Train mode normalises with the batch statistics and
 * updates the running ones; eval mode uses the running statistics and updates nothing.
 */
public final class BatchNorm1d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final float eps;
    private final float momentum;

    public BatchNorm1d(int features, float eps, float momentum) {
        this.eps = eps;
        this.momentum = momentum;
        weight = registerParameter("weight", new Parameter(Tensor.ones(features)));
        bias = registerParameter("bias", new Parameter(Tensor.zeros(features)));
        runningMean = registerBuffer("running_mean", Tensor.zeros(features));
        runningVar = registerBuffer("running_var", Tensor.ones(features));
    }

    public BatchNorm1d(int features) {
        this(features, 1e-5f, 0.1f);
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 2 || x.size(1) != weight.size(0)) {
            throw new IllegalArgumentException("BatchNorm1d(" + weight.size(0) + "): expected [batch, " + weight.size(0) + "], got " + x.shape());
        }
        Tensor mean;
        Tensor var;
        if (isTraining()) {
            int n = x.size(0);
            if (n < 2) {
                throw new IllegalArgumentException("BatchNorm1d: train mode needs more than one row per batch, got " + x.shape());
            }
            mean = x.mean(0, false);
            Tensor centered = x.sub(mean);
            var = centered.mul(centered).mean(0, false);
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                runningMean.mul_(1f - momentum).add_(mean.detach(), momentum);
                runningVar.mul_(1f - momentum).add_(var.detach(), momentum * n / (n - 1f)); // unbiased, as PyTorch
            }
        } else {
            mean = runningMean;
            var = runningVar;
        }
        return x.sub(mean).div(var.add(eps).sqrt()).mul(weight).add(bias);
    }
}
