package dev.polarity.engine.optim;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.nn.Parameter;
import dev.polarity.engine.tensor.Tensor;
import java.util.List;

/** Gradient clipping by global L2 norm, as torch.nn.utils.clip_grad_norm_. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales all gradients so their joint norm is at most {@code maxNorm}; returns the norm before
     * clipping. {@code maxNorm <= 0} disables clipping (it would otherwise zero every gradient).
     */
    public static float clipGradNorm(List<Parameter> params, float maxNorm) {
        double sq = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g != null) {
                float[] d = g.data();
                for (int i = g.storageOffset(), end = i + g.numel(); i < end; i++) {
                    sq += (double) d[i] * d[i];
                }
            }
        }
        float norm = (float) Math.sqrt(sq);
        if (maxNorm > 0f && norm > maxNorm) {
            float scale = maxNorm / (norm + 1e-6f);
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                for (Parameter p : params) {
                    if (p.grad() != null) {
                        p.grad().mul_(scale);
                    }
                }
            }
        }
        return norm;
    }
}
