package dev.polarity.engine.nn;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tree of named parameters, buffers and child modules, as torch.nn.Module. The train/eval
 * flag is per module and only layers such as Dropout and BatchNorm read it; it never touches
 * grad mode, and grad mode never touches it.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Single-input modules override this; modules with other inputs offer their own forward. */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a single tensor input");
    }

    protected final Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        parameters.put(name, p);
        return p;
    }

    /** State that is saved and loaded but not trained (e.g. running statistics). */
    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    protected final <M extends Module> M registerModule(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid or duplicate name '" + name + "'");
        }
    }

    public Map<String, Module> children() {
        return Map.copyOf(children);
    }

    /** Every parameter below this module, keyed by dotted path, in registration order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    public List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void collect(String prefix, Map out, boolean paramsOnly) {
        parameters.forEach((k, v) -> out.put(prefix + k, v));
        if (!paramsOnly) {
            buffers.forEach((k, v) -> out.put(prefix + k, v));
        }
        children.forEach((k, v) -> v.collect(prefix + k + ".", out, paramsOnly));
    }

    /** Parameters and buffers by dotted path; the tensors are the module's own (not copies). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    /**
     * Copies values in. Strict: any missing, unexpected or mis-shaped entry fails the whole load
     * before anything is written, with every offending name in the message.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (var e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!src.shape().equals(e.getValue().shape())) {
                misShaped.add(e.getKey() + " (expected " + e.getValue().shape() + ", got " + src.shape() + ")");
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) {
                unexpected.add(k);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + ": missing " + missing
                    + ", unexpected " + unexpected + ", mis-shaped " + misShaped);
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            own.forEach((k, t) -> t.copy_(state.get(k)));
        }
    }

    public Module train() {
        return train(true);
    }

    public Module eval() {
        return train(false);
    }

    public Module train(boolean mode) {
        training = mode;
        children.values().forEach(c -> c.train(mode));
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    /** True when this module or any below it is in training mode (one child may be switched alone). */
    public boolean anyTraining() {
        if (training) {
            return true;
        }
        for (Module child : children.values()) {
            if (child.anyTraining()) {
                return true;
            }
        }
        return false;
    }

    public void zeroGrad() {
        parameters().forEach(Tensor::zeroGrad);
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.numel();
        }
        return n;
    }
}
