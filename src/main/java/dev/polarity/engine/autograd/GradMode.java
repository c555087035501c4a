package dev.polarity.engine.autograd;

import java.util.function.Supplier;

/**
 * Thread-local grad mode, after PyTorch's {@code torch.no_grad} / {@code enable_grad} /
 * {@code inference_mode}. Each scope saves the state it found and restores it on close, so scopes
 * nest and an exception inside one still restores the state. A plain (non-inheritable)
 * ThreadLocal: threads started inside a scope begin with grad enabled, as in PyTorch.
 */
public final class GradMode {
    private record State(boolean gradEnabled, boolean inference) {}

    private static final State DEFAULT = new State(true, false);
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(() -> DEFAULT);

    private GradMode() {}

    public static boolean isGradEnabled() {
        return STATE.get().gradEnabled;
    }

    public static boolean isInferenceMode() {
        return STATE.get().inference;
    }

    /**
     * Whether ops record graph nodes now: grad mode on and inference mode off. As in PyTorch,
     * {@code enableGrad()} inside {@code inferenceMode()} turns grad mode on but records nothing.
     */
    public static boolean isRecording() {
        State s = STATE.get();
        return s.gradEnabled && !s.inference;
    }

    /** Disables recording until closed. */
    public static Scope noGrad() {
        return enter(new State(false, STATE.get().inference));
    }

    /**
     * Re-enables recording inside a {@link #noGrad()} scope, until closed. Inside
     * {@link #inferenceMode()} it turns grad mode on, as PyTorch does, but nothing is recorded
     * until inference mode ends (see {@link #isRecording()}).
     */
    public static Scope enableGrad() {
        return setGradEnabled(true);
    }

    public static Scope setGradEnabled(boolean enabled) {
        return enter(new State(enabled, STATE.get().inference));
    }

    /**
     * No grad, and tensors created here are marked as inference tensors: later recorded ops refuse
     * them, because nothing about their history was kept.
     */
    public static Scope inferenceMode() {
        return inferenceMode(true);
    }

    /**
     * {@code inferenceMode(false)} leaves inference mode with grad mode on (PyTorch's
     * {@code inference_mode(False)}): nested inside {@code inferenceMode()}, tensors made there are
     * normal tensors again.
     */
    public static Scope inferenceMode(boolean enabled) {
        return enter(new State(!enabled, enabled));
    }

    public static <T> T noGrad(Supplier<T> body) {
        try (Scope ignored = noGrad()) {
            return body.get();
        }
    }

    public static <T> T enableGrad(Supplier<T> body) {
        try (Scope ignored = enableGrad()) {
            return body.get();
        }
    }

    public static <T> T inferenceMode(Supplier<T> body) {
        try (Scope ignored = inferenceMode()) {
            return body.get();
        }
    }

    public static <T> T withGradEnabled(boolean enabled, Supplier<T> body) {
        try (Scope ignored = setGradEnabled(enabled)) {
            return body.get();
        }
    }

    private static Scope enter(State next) {
        State previous = STATE.get();
        STATE.set(next);
        return new Scope(previous, Thread.currentThread());
    }

    /** Restores the state that was current when the scope was opened. Close it on the thread that opened it. */
    public static final class Scope implements AutoCloseable {
        private final State previous;
        private final Thread owner;
        private boolean closed;

        private Scope(State previous, Thread owner) {
            this.previous = previous;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a grad-mode scope must be closed on the thread that opened it");
            }
            closed = true;
            STATE.set(previous);
        }
    }
}
