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

    /** Identity unless {@code training}; then inverted dropout with probability {@code p}. */
    public static Tensor dropout(Tensor x, float p, boolean training, Random rng) {
        return !training || p == 0f ? x : NnOps.dropout(x, p, rng);
    }

    /** Adds a large negative number where {@code keep} is 0: an additive attention mask. */
    public static Tensor additiveMask(Tensor keep) {
        return keep.sub(1f).mul(1e9f).detach();
    }
}
