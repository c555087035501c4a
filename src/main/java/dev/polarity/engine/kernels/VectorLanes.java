package dev.polarity.engine.kernels;

import java.util.function.IntSupplier;

/** {@link VectorGemm}'s lane count, reached by name through {@link VectorSupport} so that it loads no vector class itself. */
final class VectorLanes implements IntSupplier {
    @Override
    public int getAsInt() {
        return VectorGemm.L;
    }
}
