package dev.polarity.engine.nn;

import dev.polarity.engine.tensor.Tensor;
import java.util.List;

/** Applies its children in order; they are named "0", "1", ... as in PyTorch. */
public final class Sequential extends Module {
    private final List<Module> layers;

    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) {
            registerModule(Integer.toString(i), layers[i]);
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module m : layers) {
            y = m.forward(y);
        }
        return y;
    }
}
