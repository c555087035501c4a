package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;

/** Inverted dropout in train mode; the identity in eval mode. Grad mode plays no part. */
public final class Dropout extends Module {
    private final float p;
    private final Random rng;

    public Dropout(float p, Random rng) {
        if (p < 0f || p >= 1f) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    /** The probability in force: p in train mode, 0 in eval mode (for fused ops that drop inside). */
    public float activeProbability() {
        return isTraining() ? p : 0f;
    }

    /** The generator this module draws its masks from, shared with fused ops that drop for it. */
    public Random random() {
        return rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.dropout(x, p, isTraining(), rng);
    }
}
