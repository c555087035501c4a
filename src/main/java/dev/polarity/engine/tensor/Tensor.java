package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.Backward;
import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.autograd.Node;
import dev.polarity.engine.autograd.Autograd;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A float32 n-dimensional tensor: a view (offset, shape, strides) over a shared {@link Storage},
 * plus the autograd bookkeeping. Operations live in small package-private classes; this facade
 * only names them, in PyTorch's vocabulary.
 */
public class Tensor {
    final Storage storage;
    final int offset;
    final Shape shape;
    final int[] strides;
    /** See {@link #ownedGradient}. */
    private boolean ownedGradient;
    private final boolean inference;
    /** For a view: the tensor that owns the storage (never itself a view), as PyTorch's {@code _base}. */
    private final Tensor base;
    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;
    private List<UnaryOperator<Tensor>> hooks;

    /** A new tensor over {@code storage}: an inference tensor when made inside inferenceMode(). */
    Tensor(Storage storage, int offset, Shape shape, int[] strides) {
        this(storage, offset, shape, strides, GradMode.isInferenceMode(), null);
    }

    /**
     * A view or detach: it is an inference tensor exactly when what it looks at is one, whatever
     * the current mode (PyTorch: a view made in inferenceMode() of a normal tensor is normal).
     */
    Tensor(Storage storage, int offset, Shape shape, int[] strides, boolean inference, Tensor base) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.inference = inference;
        this.base = base;
    }

    /** A fresh contiguous tensor that owns {@code data}. */
    /**
     * A gradient a backward rule computed into an array of its own and hands to exactly one input:
     * a leaf's first gradient may keep it instead of copying it (as PyTorch's AccumulateGrad steals
     * a gradient nothing else holds). Never for a tensor a rule returns twice or keeps.
     */
    static Tensor ownedGradient(float[] data, Shape shape) {
        Tensor t = wrap(data, shape);
        t.ownedGradient = true;
        return t;
    }

    static Tensor wrap(float[] data, Shape shape) {
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("fromArray: " + data.length + " values do not fill shape " + shape);
        }
        return new Tensor(new Storage(data), 0, shape, shape.contiguousStrides());
    }

    /** For {@link Parameter}: takes over another tensor's storage as a leaf. */
    protected Tensor(Tensor data, boolean requiresGrad) {
        this(ownedStorage(data), 0, data.shape, data.shape.contiguousStrides());
        this.requiresGrad = requiresGrad;
    }

    private static Storage ownedStorage(Tensor t) {
        boolean whole = t.isContiguous() && t.offset == 0 && t.storage.capacity() == t.numel();
        return whole ? t.storage : new Storage(t.contiguousCopyData());
    }

    // ---------------------------------------------------------------- creation

    public static Tensor fromArray(float[] data, int... shape) {
        return wrap(data.clone(), Shape.of(shape));
    }

    /**
     * Wraps {@code data} without copying it: the tensor owns the array from then on, and the
     * caller must not write to it (fast paths that build their output in a fresh array).
     */
    public static Tensor adopt(float[] data, int... shape) {
        Shape s = Shape.of(shape);
        if (data.length != s.numel()) {
            throw new IllegalArgumentException("adopt: " + data.length + " values do not fill shape " + s);
        }
        return wrap(data, s);
    }

    public static Tensor scalar(float value) {
        return wrap(new float[] {value}, Shape.of());
    }

    public static Tensor zeros(int... shape) {
        Shape s = Shape.of(shape);
        return wrap(new float[s.numel()], s);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[s.numel()];
        Arrays.fill(d, value);
        return wrap(d, s);
    }

    /** 0, 1, ..., n-1. */
    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return wrap(d, Shape.of(n));
    }

    /** Uniform on [0, 1). */
    public static Tensor rand(Random rng, int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[s.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextFloat();
        }
        return wrap(d, s);
    }

    /** Standard normal. */
    public static Tensor randn(Random rng, int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[s.numel()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return wrap(d, s);
    }

    public static Tensor rand(long seed, int... shape) {
        return rand(new Random(seed), shape);
    }

    public static Tensor randn(long seed, int... shape) {
        return randn(new Random(seed), shape);
    }

    // ---------------------------------------------------------------- metadata

    public Shape shape() {
        return shape;
    }

    public int dim() {
        return shape.rank();
    }

    public int size(int d) {
        return shape.dim(d);
    }

    public int numel() {
        return shape.numel();
    }

    public int[] strides() {
        return strides.clone();
    }

    public int storageOffset() {
        return offset;
    }

    public Storage storage() {
        return storage;
    }

    /** Version of the underlying storage; bumped by every in-place write through any view. */
    public int version() {
        return storage.version();
    }

    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            if (shape.dim(i) != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape.dim(i);
        }
        return true;
    }

    public boolean isInference() {
        return inference;
    }

    /** True for a tensor made by a view op (it shares its base's storage); detach() is not a view. */
    public boolean isView() {
        return base != null;
    }

    /** The tensor a view looks at, or null when this is not a view. */
    public Tensor base() {
        return base;
    }

    // ---------------------------------------------------------------- autograd state

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as needing gradients (factories keep this flag in any grad mode). */
    public Tensor requiresGrad(boolean flag) {
        if (gradFn != null && !flag) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use detach()");
        }
        this.requiresGrad = flag;
        return this;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    public Tensor grad() {
        return grad;
    }

    public Node gradFn() {
        return gradFn;
    }

    public synchronized void zeroGrad() {
        grad = null;
    }

    /** Engine internal: called by {@link Node#record} only. */
    public void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    /**
     * Engine internal: adds into this leaf's {@code grad}, which it owns (never aliases a graph
     * tensor). Synchronized because backward passes on two threads may share a leaf, as they may in
     * PyTorch; uncontended, the lock costs nothing measurable next to the add.
     */
    public synchronized void accumulateGrad(Tensor g) {
        accumulateGrad(g, false);
    }

    /**
     * As above; with {@code mayKeep}, the caller hands {@code g} over (it keeps no reference and
     * returns it to no one), so an owned gradient becomes this leaf's first {@code grad} as it is.
     */
    public synchronized void accumulateGrad(Tensor g, boolean mayKeep) {
        if (grad == null) {
            if (mayKeep && g.ownedGradient && hooks == null && g.shape.equals(shape)) {
                g.ownedGradient = false;
                grad = g;
            } else {
                grad = g.contiguousCopy();
            }
        } else {
            Elementwise.addInPlace(grad, g, 1f);
        }
    }

    /**
     * Keeps this non-leaf tensor's gradient in {@link #grad()} after backward (leaves always keep
     * theirs), accumulating across backward calls as a leaf's does.
     */
    public Tensor retainGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("retainGrad() on a tensor of shape " + shape + " that does not require grad");
        }
        if (gradFn != null) {
            Autograd.retainGrad(this);
        }
        return this;
    }

    /**
     * Registers {@code hook} to run on the whole gradient flowing into this tensor in each backward
     * pass, before it is used or accumulated; a non-null return value replaces the gradient.
     */
    public Autograd.RemovableHandle registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) {
            throw new IllegalStateException("registerHook on a tensor of shape " + shape + " that does not require grad");
        }
        if (gradFn != null) {
            return Autograd.registerHook(this, hook);
        }
        synchronized (this) {
            if (hooks == null) {
                hooks = new CopyOnWriteArrayList<>();
            }
        }
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    /** Engine internal: runs this leaf's hooks on the gradient about to be accumulated. */
    public Tensor applyLeafHooks(Tensor g) {
        List<UnaryOperator<Tensor>> hs = hooks;
        if (hs != null) {
            for (UnaryOperator<Tensor> h : hs) {
                Tensor replaced = h.apply(g);
                if (replaced != null) {
                    g = replaced;
                }
            }
        }
        return g;
    }

    public void backward() {
        Backward.run(this, null, false);
    }

    public void backward(Tensor gradOutput) {
        Backward.run(this, gradOutput, false);
    }

    public void backward(Tensor gradOutput, boolean retainGraph) {
        Backward.run(this, gradOutput, retainGraph);
    }

    /** Same storage, no history, never requires grad. */
    public Tensor detach() {
        return new Tensor(storage, offset, shape, strides, inference, null);
    }

    // ---------------------------------------------------------------- element access

    /** Logical-order copy of the values. */
    public float[] toArray() {
        return contiguousCopyData();
    }

    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, got shape " + shape);
        }
        return storage.data[offset];
    }

    public float get(int... index) {
        return storage.data[offsetOf(index)];
    }

    int offsetOf(int... index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("get: " + index.length + " indices for shape " + shape);
        }
        int o = offset;
        for (int i = 0; i < index.length; i++) {
            int d = shape.dim(i);
            int ix = index[i] < 0 ? index[i] + d : index[i];
            if (ix < 0 || ix >= d) {
                throw new IndexOutOfBoundsException("index " + index[i] + " out of range for dimension " + i + " of shape " + shape);
            }
            o += ix * strides[i];
        }
        return o;
    }

    /** Raw view of the buffer: valid for reading when {@link #isContiguous()}, from {@link #storageOffset()}. */
    public float[] data() {
        return storage.data;
    }

    /** This tensor if contiguous, else a contiguous copy (recorded as a view op for autograd). */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.contiguous(this);
    }

    Tensor contiguousCopy() {
        return wrap(contiguousCopyData(), shape);
    }

    float[] contiguousCopyData() {
        float[] out = new float[numel()];
        Strided.copyTo(this, out, 0);
        return out;
    }

    public Tensor copy() {
        return Views.clone(this);
    }

    // ---------------------------------------------------------------- element-wise

    public Tensor add(Tensor o) { return Elementwise.binary(Elementwise.Op.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary(Elementwise.Op.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary(Elementwise.Op.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary(Elementwise.Op.DIV, this, o); }
    public Tensor add(float s) { return add(scalar(s)); }
    public Tensor sub(float s) { return sub(scalar(s)); }
    public Tensor mul(float s) { return Elementwise.scale(this, s); }
    public Tensor div(float s) { return Elementwise.scale(this, 1f / s); }
    public Tensor neg() { return Elementwise.scale(this, -1f); }
    public Tensor pow(float p) { return Elementwise.pow(this, p); }
    public Tensor exp() { return Elementwise.unary(Elementwise.Fn.EXP, this); }
    public Tensor log() { return Elementwise.unary(Elementwise.Fn.LOG, this); }
    public Tensor sqrt() { return Elementwise.unary(Elementwise.Fn.SQRT, this); }
    public Tensor tanh() { return Elementwise.unary(Elementwise.Fn.TANH, this); }
    public Tensor relu() { return Elementwise.unary(Elementwise.Fn.RELU, this); }
    public Tensor gelu() { return Elementwise.unary(Elementwise.Fn.GELU, this); }
    public Tensor sigmoid() { return Elementwise.unary(Elementwise.Fn.SIGMOID, this); }

    /** Where {@code mask} is non-zero (broadcast to this shape), the result holds {@code value}. */
    public Tensor maskedFill(Tensor mask, float value) { return Elementwise.maskedFill(this, mask, value); }

    // ---------------------------------------------------------------- in-place (never recorded)

    public Tensor add_(Tensor o) { return Elementwise.inPlace("add_", this, o, 1f); }
    public Tensor sub_(Tensor o) { return Elementwise.inPlace("sub_", this, o, -1f); }
    public Tensor add_(Tensor o, float alpha) { return Elementwise.inPlace("add_", this, o, alpha); }
    public Tensor mul_(float s) { return Elementwise.scaleInPlace(this, s); }
    public Tensor fill_(float v) { return Elementwise.fillInPlace(this, v); }
    public Tensor zero_() { return fill_(0f); }
    public Tensor copy_(Tensor src) { return Elementwise.copyInPlace(this, src); }

    /**
     * Declares that this tensor's storage was written directly (through {@link #data()}), as
     * optimizers do: applies the in-place rules and bumps the version so saved copies are caught.
     */
    public Tensor markDirty() { return Elementwise.markDirty(this); }

    // ---------------------------------------------------------------- views

    public Tensor reshape(int... newShape) { return Views.reshape(this, newShape); }
    public Tensor view(int... newShape) { return Views.view(this, newShape); }
    public Tensor transpose(int d0, int d1) { return Views.transpose(this, d0, d1); }
    /** Transpose of the last two dimensions. */
    public Tensor t() { return transpose(-2, -1); }
    public Tensor permute(int... order) { return Views.permute(this, order); }
    public Tensor narrow(int dim, int start, int length) { return Views.narrow(this, dim, start, length); }
    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code dim}. */
    public Tensor slice(int dim, int start, int end) { return narrow(dim, start, end - start); }
    public Tensor select(int dim, int index) { return narrow(dim, index, 1).squeeze(dim); }
    public Tensor unsqueeze(int dim) { return Views.unsqueeze(this, dim); }
    public Tensor squeeze(int dim) { return Views.squeeze(this, dim); }
    public Tensor expand(int... newShape) { return Views.expand(this, newShape); }

    public static Tensor concat(int dim, Tensor... parts) { return Views.concat(dim, parts); }

    // ---------------------------------------------------------------- linear algebra

    /** 2-D matmul, or batched matmul over leading dimensions (broadcast), as torch.matmul. */
    public Tensor matmul(Tensor o) { return LinAlg.matmul(this, o); }

    // ---------------------------------------------------------------- reductions

    public Tensor sum() { return Reduce.sumAll(this); }
    public Tensor mean() { return Reduce.sumAll(this).mul(1f / numel()); }
    public Tensor sum(int dim, boolean keepDim) { return Reduce.sum(this, dim, keepDim); }
    public Tensor mean(int dim, boolean keepDim) { return Reduce.sum(this, dim, keepDim).mul(1f / size(dim)); }
    public Tensor max(int dim, boolean keepDim) { return Reduce.max(this, dim, keepDim); }
    /** Indices of the maxima along {@code dim}, as floats (exact below 2^24). Not differentiable. */
    public Tensor argmax(int dim, boolean keepDim) { return Reduce.argmax(this, dim, keepDim); }
    /** Sums to {@code target}, undoing a broadcast. */
    public Tensor sumTo(Shape target) { return Reduce.sumTo(this, target); }

    // ---------------------------------------------------------------- neural-network ops

    public Tensor softmax(int dim) { return NnOps.softmax(this, dim); }
    public Tensor logSoftmax(int dim) { return NnOps.logSoftmax(this, dim); }

    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) { return NnOps.layerNorm(this, weight, bias, eps); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(shape);
        if (numel() <= 16) {
            sb.append(", values=").append(Arrays.toString(toArray()));
        }
        if (gradFn != null) {
            sb.append(", gradFn=").append(gradFn.op());
        } else if (requiresGrad) {
            sb.append(", requiresGrad=true");
        }
        return sb.append(')').toString();
    }
}
