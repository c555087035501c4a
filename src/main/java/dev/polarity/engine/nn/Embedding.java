package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Functional;
import dev.polarity.engine.tensor.Tensor;
import java.util.Random;

/** A lookup table of {@code count} vectors of size {@code dim}. */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(int count, int dim, Random rng) {
        weight = registerParameter("weight", new Parameter(Tensor.randn(rng, count, dim).mul(0.02f)));
    }

    public Parameter weight() {
        return weight;
    }

    /** Rows for {@code ids}, shaped {@code idsShape + [dim]}. */
    public Tensor forward(int[] ids, int... idsShape) {
        return Functional.embedding(weight, ids, idsShape);
    }
}
