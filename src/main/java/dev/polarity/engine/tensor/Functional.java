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

    /** Adds a large negative number where {@code keep} is 0: an additive attention mask. */
    public static Tensor additiveMask(Tensor keep) {
        return keep.sub(1f).mul(1e9f).detach();
    }
}
