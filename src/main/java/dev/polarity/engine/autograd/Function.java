package dev.polarity.engine.autograd;

import dev.polarity.engine.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * A user-defined differentiable operation, as torch.autograd.Function: {@link #forward} runs
 * unrecorded, and when grad mode is on and an input requires grad, one node with
 * {@link #backward} as its rule is attached to the result.
 */
public abstract class Function {
    /** What forward leaves for backward. Saved tensors are version-checked like built-in ops'. */
    public static final class Context {
        private Tensor[] saved = new Tensor[0];
        private final Map<String, Object> values = new HashMap<>();

        public void saveForBackward(Tensor... tensors) {
            saved = tensors.clone();
        }

        public Tensor saved(int i) {
            return saved[i];
        }

        public void put(String key, Object value) {
            values.put(key, value);
        }

        @SuppressWarnings("unchecked")
        public <T> T get(String key) {
            return (T) values.get(key);
        }
    }

    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /** One gradient per input (null where none is needed), each shaped like its input. */
    protected abstract Tensor[] backward(Context ctx, Tensor gradOutput);

    protected String name() {
        return getClass().getSimpleName();
    }

    public final Tensor apply(Tensor... inputs) {
        Context ctx = new Context();
        Tensor out;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            out = forward(ctx, inputs);
        }
        for (Tensor in : inputs) {
            if (out == in) {
                out = out.detach(); // never graft a node onto a caller's tensor
                break;
            }
        }
        int count = inputs.length;
        return Node.record(name(), out, inputs.clone(), ctx.saved, g -> {
            Tensor[] grads = backward(ctx, g);
            if (grads.length != count) {
                throw new IllegalStateException(name() + ".backward returned " + grads.length + " gradients for " + count + " inputs");
            }
            return grads;
        });
    }
}
