package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.GradMode;
import dev.polarity.engine.autograd.Node;
import dev.polarity.engine.kernels.MathFns;
import dev.polarity.engine.kernels.Parallel;

/** Broadcasting binary ops, unary maths and the in-place writes, each with its backward rule beside it. */
final class Elementwise {
    enum Op { ADD, SUB, MUL, DIV }

    enum Fn { EXP, LOG, SQRT, TANH, RELU, GELU, SIGMOID }

    private Elementwise() {}

    static Tensor binary(Op op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        Shape outShape = Shape.broadcast(a.shape, b.shape, name);
        float[] out = new float[outShape.numel()];
        if (a.shape.equals(b.shape) && a.isContiguous() && b.isContiguous()) {
            // Unit strides spelled out: C2 vectorizes these loops, not the strided ones. Gradient sums
            // and dropout run this on whole activations, split over the pool when large.
            float[] ad = a.storage.data;
            float[] bd = b.storage.data;
            if (out.length < Strided.PARALLEL_FLOATS) {
                dense(op, ad, a.offset, bd, b.offset, out, 0, out.length);
            } else {
                Parallel.forRows(out.length, Strided.PARALLEL_FLOATS / 4,
                        (i0, n) -> dense(op, ad, a.offset + i0, bd, b.offset + i0, out, i0, n));
            }
        } else {
            broadcastLoop(op, a, b, outShape, out);
        }
        Tensor result = Tensor.wrap(out, outShape);
        Shape as = a.shape;
        Shape bs = b.shape;
        boolean bNeedsGrad = b.requiresGrad();
        switch (op) {
            case ADD:
                return Node.record(name, result, new Tensor[] {a, b}, new Tensor[0],
                        g -> new Tensor[] {g.sumTo(as), g.sumTo(bs)});
            case SUB:
                return Node.record(name, result, new Tensor[] {a, b}, new Tensor[0],
                        g -> new Tensor[] {g.sumTo(as), bNeedsGrad ? g.neg().sumTo(bs) : null});
            case MUL:
                return Node.record(name, result, new Tensor[] {a, b}, new Tensor[] {a, b}, g -> new Tensor[] {
                    a.requiresGrad() ? g.mul(b).sumTo(a.shape) : null,
                    b.requiresGrad() ? g.mul(a).sumTo(b.shape) : null});
            default:
                return Node.record(name, result, new Tensor[] {a, b}, new Tensor[] {a, b}, g -> new Tensor[] {
                    a.requiresGrad() ? g.div(b).sumTo(a.shape) : null,
                    b.requiresGrad() ? g.mul(a).div(b.mul(b)).neg().sumTo(b.shape) : null});
        }
    }

    private static void broadcastLoop(Op op, Tensor a, Tensor b, Shape outShape, float[] out) {
        int rank = outShape.rank();
        int[] sa = Strided.broadcastStrides(a, outShape);
        int[] sb = Strided.broadcastStrides(b, outShape);
        int inner = rank == 0 ? 1 : outShape.dim(rank - 1);
        int ia = rank == 0 ? 0 : sa[rank - 1];
        int ib = rank == 0 ? 0 : sb[rank - 1];
        int[] idx = new int[Math.max(rank - 1, 0)];
        int rows = inner == 0 ? 0 : out.length / inner;
        for (int r = 0; r < rows; r++) {
            int ao = Strided.rowOffset(a.offset, idx, sa);
            int bo = Strided.rowOffset(b.offset, idx, sb);
            row(op, a.storage.data, ao, ia, b.storage.data, bo, ib, out, r * inner, inner);
            Strided.increment(idx, outShape);
        }
    }

    private static void dense(Op op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + b[bo + i]; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - b[bo + i]; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * b[bo + i]; }
            case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / b[bo + i]; }
        }
    }

    private static void row(Op op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] + b[bo + i * bs]; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] - b[bo + i * bs]; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] * b[bo + i * bs]; }
            case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] / b[bo + i * bs]; }
        }
    }

    static Tensor scale(Tensor x, float s) {
        float[] in = x.isContiguous() ? null : x.contiguousCopyData();
        float[] src = in == null ? x.storage.data : in;
        int off = in == null ? x.offset : 0;
        float[] out = new float[x.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = src[off + i] * s;
        }
        return Node.record("mul", Tensor.wrap(out, x.shape), new Tensor[] {x}, new Tensor[0], g -> new Tensor[] {g.mul(s)});
    }

    static Tensor pow(Tensor x, float p) {
        float[] v = x.contiguousCopyData();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) Math.pow(v[i], p);
        }
        return Node.record("pow", Tensor.wrap(out, x.shape), new Tensor[] {x}, new Tensor[] {x},
                g -> new Tensor[] {g.mul(x.pow(p - 1f)).mul(p)});
    }

    static Tensor unary(Fn fn, Tensor x) {
        float[] v = x.contiguousCopyData();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = apply(fn, v[i]);
        }
        Tensor y = Tensor.wrap(out, x.shape);
        return Node.record(fn.name().toLowerCase(), y, new Tensor[] {x}, new Tensor[] {x, y}, g -> {
            float[] gv = g.contiguousCopyData();
            float[] xv = x.contiguousCopyData();
            float[] yv = y.storage.data;
            float[] gx = new float[gv.length];
            for (int i = 0; i < gv.length; i++) {
                gx[i] = gv[i] * derivative(fn, xv[i], yv[i]);
            }
            return new Tensor[] {Tensor.wrap(gx, x.shape)};
        });
    }

    static float apply(Fn fn, float x) {
        return switch (fn) {
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case TANH -> (float) Math.tanh(x);
            case RELU -> x > 0f ? x : 0f;
            case GELU -> MathFns.gelu(x);
            case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
        };
    }

    /** d fn(x) / dx, given x and y = fn(x). */
    static float derivative(Fn fn, float x, float y) {
        return switch (fn) {
            case EXP -> y;
            case LOG -> 1f / x;
            case SQRT -> 0.5f / y;
            case TANH -> 1f - y * y;
            case RELU -> x > 0f ? 1f : 0f;
            case GELU -> MathFns.geluGrad(x);
            case SIGMOID -> y * (1f - y);
        };
    }

    static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        Shape s = Shape.broadcast(x.shape, mask.shape, "maskedFill");
        if (!s.equals(x.shape)) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + mask.shape + " does not broadcast to input shape " + x.shape);
        }
        float[] m = mask.expand(x.shape.toArray()).contiguousCopyData();
        float[] out = x.contiguousCopyData();
        for (int i = 0; i < out.length; i++) {
            if (m[i] != 0f) {
                out[i] = value;
            }
        }
        Tensor kept = Tensor.wrap(m, x.shape); // saved, so that backward without retainGraph frees it
        return Node.record("maskedFill", Tensor.wrap(out, x.shape), new Tensor[] {x}, new Tensor[] {kept}, g -> {
            float[] gv = g.contiguousCopyData();
            for (int i = 0; i < gv.length; i++) {
                if (m[i] != 0f) {
                    gv[i] = 0f;
                }
            }
            return new Tensor[] {Tensor.wrap(gv, x.shape)};
        });
    }

    // ---------------------------------------------------------------- in-place writes

    /**
     * In-place writes are never recorded: refuse them where a gradient would silently go wrong,
     * including through a view whose base requires grad (the view may predate that: PyTorch
     * refuses those writes too).
     */
    private static void checkInPlace(String op, Tensor t, Tensor other) {
        if (GradMode.isRecording() && (t.requiresGrad() || (other != null && other.requiresGrad()))) {
            throw new IllegalStateException(op + " on a tensor of shape " + t.shape
                    + " that requires grad while grad mode is on: in-place ops are not recorded; use the out-of-place op or run it inside noGrad()");
        }
        if (GradMode.isRecording() && t.isView() && t.base().requiresGrad()) {
            throw new IllegalStateException(op + " on a view of shape " + t.shape + " whose base of shape " + t.base().shape()
                    + " requires grad while grad mode is on: the write would change the base behind autograd's back; "
                    + "write to a clone, or run it inside noGrad()");
        }
        for (int i = 0; i < t.dim(); i++) {
            if (t.strides[i] == 0 && t.shape.dim(i) > 1) {
                throw new IllegalStateException(op + ": cannot write in place through an expanded view of shape " + t.shape
                        + " (several elements share one memory location)");
            }
        }
        if (t.isInference() && !GradMode.isInferenceMode()) {
            throw new IllegalStateException(op + ": an inference tensor of shape " + t.shape + " cannot be modified outside inferenceMode()");
        }
    }

    static Tensor inPlace(String op, Tensor t, Tensor o, float alpha) {
        checkInPlace(op, t, o);
        addInPlace(t, o, alpha);
        return t;
    }

    /** t += alpha * o with o broadcast to t's shape; also used to accumulate leaf gradients. */
    static void addInPlace(Tensor t, Tensor o, float alpha) {
        Shape s = Shape.broadcast(t.shape, o.shape, "add_");
        if (!s.equals(t.shape)) {
            throw new IllegalArgumentException("add_: shape " + o.shape + " does not broadcast to " + t.shape);
        }
        float[] d = t.storage.data;
        if (t.isContiguous() && o.isContiguous() && o.shape.equals(t.shape)) {
            float[] src = o.storage.data;
            Parallel.forRows(t.numel(), Strided.PARALLEL_FLOATS / 4, (i0, n) -> {
                for (int i = i0; i < i0 + n; i++) {
                    d[t.offset + i] += alpha * src[o.offset + i];
                }
            });
        } else {
            float[] cur = t.contiguousCopyData();
            float[] add = o.expand(t.shape.toArray()).contiguousCopyData();
            for (int i = 0; i < cur.length; i++) {
                cur[i] += alpha * add[i];
            }
            Strided.copyFrom(t, cur, 0);
        }
        t.storage.bump();
    }

    static Tensor markDirty(Tensor t) {
        checkInPlace("markDirty", t, null);
        t.storage.bump();
        return t;
    }

    static Tensor scaleInPlace(Tensor t, float s) {
        checkInPlace("mul_", t, null);
        float[] cur = t.contiguousCopyData();
        for (int i = 0; i < cur.length; i++) {
            cur[i] *= s;
        }
        Strided.copyFrom(t, cur, 0);
        t.storage.bump();
        return t;
    }

    static Tensor fillInPlace(Tensor t, float v) {
        checkInPlace("fill_", t, null);
        float[] cur = new float[t.numel()];
        java.util.Arrays.fill(cur, v);
        Strided.copyFrom(t, cur, 0);
        t.storage.bump();
        return t;
    }

    static Tensor copyInPlace(Tensor t, Tensor src) {
        checkInPlace("copy_", t, src);
        Shape s = Shape.broadcast(t.shape, src.shape, "copy_");
        if (!s.equals(t.shape)) {
            throw new IllegalArgumentException("copy_: source shape " + src.shape + " does not broadcast to " + t.shape);
        }
        Strided.copyFrom(t, src.expand(t.shape.toArray()).contiguousCopyData(), 0);
        t.storage.bump();
        return t;
    }
}
