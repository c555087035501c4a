package dev.polarity.engine.tensor;

import java.util.Random;

/** Stateless neural-network functions, as torch.nn.functional. */
public final class Functional {
    private Functional() {}

    public static Tensor embedding(Tensor weight, int[] ids, int... idsShape) {
        return NnOps.embedding(weight, ids, Shape.of(idsShape));
    }

    public static Tensor nllLoss(Tensor logProbs, int[] targets) {
        return NnOps.nllLoss(logProbs, targets);
    }

    /** Mean cross-entropy of raw logits [n, classes] against class indices; composed as nllLoss(logSoftmax). */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return nllLoss(logits.logSoftmax(-1), targets);
    }

    /**
     * Mean over rows of the symmetric Kullback-Leibler divergence (KL(p||q) + KL(q||p)) / 2 between
     * the softmaxes of two logit tensors [n, classes]. Written as the sum of (p - q)(log p - log q),
     * which is that sum of both divergences, so one log-softmax per side suffices.
     */
    public static Tensor symmetricKl(Tensor logitsP, Tensor logitsQ) {
        if (!logitsP.shape().equals(logitsQ.shape()) || logitsP.dim() != 2) {
            throw new IllegalArgumentException("symmetricKl needs two [n, classes] tensors of one shape, got "
                    + logitsP.shape() + " and " + logitsQ.shape());
        }
        Tensor logP = logitsP.logSoftmax(-1);
        Tensor logQ = logitsQ.logSoftmax(-1);
        return logP.exp().sub(logQ.exp()).mul(logP.sub(logQ)).sum().mul(0.5f / logitsP.size(0));
    }

    /**
     * Mean over rows of the cross-entropy of raw logits [n, classes] against soft targets [n,
     * classes] (rows of probabilities, such as a teacher's): -sum(targets * log softmax(logits)).
     * It differs from KL(targets || softmax(logits)) only by the targets' entropy, a constant, so
     * its gradient is the divergence's. The targets get no gradient.
     */
    public static Tensor softCrossEntropy(Tensor logits, Tensor targets) {
        if (!logits.shape().equals(targets.shape()) || logits.dim() != 2) {
            throw new IllegalArgumentException("softCrossEntropy needs logits and targets [n, classes] of one shape, got "
                    + logits.shape() + " and " + targets.shape());
        }
        return logits.logSoftmax(-1).mul(targets.detach()).sum().mul(-1f / logits.size(0));
    }

    /** Identity unless {@code training}; then inverted dropout with probability {@code p}. */
    public static Tensor dropout(Tensor x, float p, boolean training, Random rng) {
        return !training || p == 0f ? x : NnOps.dropout(x, p, rng);
    }

    /** What {@link #linear} applies after the bias. */
    public enum Activation {
        NONE, GELU, RELU;

        dev.polarity.engine.kernels.Rows.Activation kernel() {
            return dev.polarity.engine.kernels.Rows.Activation.valueOf(name());
        }
    }

    /**
     * act(x W^T + b), one recorded op on the GEMM kernels: x [.., in], W [out, in] (PyTorch's
     * Linear layout), b [out] or null. Its backward multiplies out dX and dW on the same kernels.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias, Activation act) {
        return Fused.linear(x, weight, bias, act.kernel());
    }

    /**
     * concat(x W1^T + b1, x W2^T + b2, ..) along the last dimension as one recorded op: maps of one
     * input side by side (attention's query, key and value), one GEMM for all of them each way.
     * Biases may be null.
     */
    public static Tensor linearConcat(Tensor x, Tensor[] weights, Tensor[] biases) {
        return LinearConcat.apply(x, weights, biases);
    }

    /** LayerNorm(x + residual) * gamma + beta over the last dimension, one recorded op. */
    public static Tensor addLayerNorm(Tensor x, Tensor residual, Tensor gamma, Tensor beta, float eps) {
        return Fused.addLayerNorm(x, residual, gamma, beta, eps);
    }

    /**
     * Self-attention over packed sentences: {@code qkv} [tokens, 3 hidden] holds each real token's
     * [q | k | v]; sentence r is rows [starts[r], starts[r+1]) and attends only to itself. Returns
     * the context [tokens, hidden]. With {@code dropout} > 0, inverted dropout on the attention
     * probabilities, drawn from {@code rng}.
     */
    public static Tensor packedAttention(Tensor qkv, int[] starts, int heads, float dropout, Random rng) {
        return PackedAttention.apply(qkv, starts, heads, dropout, rng);
    }

    /** Rows {@code index[i]} of x [rows, ..], in that order. */
    public static Tensor gatherRows(Tensor x, int[] index) {
        return Fused.gatherRows(x, index);
    }

    /** Row i of x goes to row {@code index[i]} of a zero tensor of {@code rows} rows; the other rows stay 0. */
    public static Tensor scatterRows(Tensor x, int[] index, int rows) {
        return Fused.scatterRows(x, index, rows);
    }

    /** Adds a large negative number where {@code keep} is 0: an additive attention mask. */
    public static Tensor additiveMask(Tensor keep) {
        return keep.sub(1f).mul(1e9f).detach();
    }
}
