package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.Node;

/** Reductions over one dimension (viewed as [outer, d, inner]) or over everything. */
final class Reduce {
    private Reduce() {}

    static Tensor sumAll(Tensor t) {
        float[] v = t.isContiguous() ? null : t.contiguousCopyData();
        float[] src = v == null ? t.storage.data : v;
        int off = v == null ? t.offset : 0;
        double s = 0;
        for (int i = 0, n = t.numel(); i < n; i++) {
            s += src[off + i];
        }
        Tensor out = Tensor.scalar((float) s);
        int[] in = t.shape.toArray();
        return Node.record("sum", out, new Tensor[] {t}, new Tensor[0], g -> new Tensor[] {g.expand(in)});
    }

    private static int[] reducedDims(Shape s, int d, boolean keepDim) {
        int[] dims = s.toArray();
        if (keepDim) {
            dims[d] = 1;
            return dims;
        }
        int[] out = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != d) {
                out[j++] = dims[i];
            }
        }
        return out;
    }

    private static int outer(Shape s, int d) {
        int n = 1;
        for (int i = 0; i < d; i++) {
            n *= s.dim(i);
        }
        return n;
    }

    private static int inner(Shape s, int d) {
        int n = 1;
        for (int i = d + 1; i < s.rank(); i++) {
            n *= s.dim(i);
        }
        return n;
    }

    static Tensor sum(Tensor t, int dim, boolean keepDim) {
        int d = t.shape.normalize(dim, "sum");
        float[] x = t.contiguousCopyData();
        int outer = outer(t.shape, d);
        int len = t.shape.dim(d);
        int inner = inner(t.shape, d);
        float[] out = new float[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < len; k++) {
                int base = (o * len + k) * inner;
                for (int i = 0; i < inner; i++) {
                    out[o * inner + i] += x[base + i];
                }
            }
        }
        int[] keep = reducedDims(t.shape, d, true);
        Tensor result = Tensor.wrap(out, Shape.of(reducedDims(t.shape, d, keepDim)));
        int[] in = t.shape.toArray();
        return Node.record("sum", result, new Tensor[] {t}, new Tensor[0], g -> new Tensor[] {g.reshape(keep).expand(in)});
    }

    static Tensor max(Tensor t, int dim, boolean keepDim) {
        int d = t.shape.normalize(dim, "max");
        float[] x = t.contiguousCopyData();
        int outer = outer(t.shape, d);
        int len = t.shape.dim(d);
        int inner = inner(t.shape, d);
        if (len == 0) {
            throw new IllegalArgumentException("max: dimension " + dim + " of shape " + t.shape + " is empty");
        }
        float[] out = new float[outer * inner];
        int[] where = new int[outer * inner];
        argmaxInto(x, outer, len, inner, out, where);
        Tensor result = Tensor.wrap(out, Shape.of(reducedDims(t.shape, d, keepDim)));
        Shape in = t.shape;
        return Node.record("max", result, new Tensor[] {t}, new Tensor[0], g -> {
            float[] gv = g.contiguousCopyData();
            float[] gx = new float[in.numel()];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    gx[(o * len + where[o * inner + i]) * inner + i] = gv[o * inner + i];
                }
            }
            return new Tensor[] {Tensor.wrap(gx, in)};
        });
    }

    static Tensor argmax(Tensor t, int dim, boolean keepDim) {
        int d = t.shape.normalize(dim, "argmax");
        int outer = outer(t.shape, d);
        int len = t.shape.dim(d);
        int inner = inner(t.shape, d);
        float[] vals = new float[outer * inner];
        int[] where = new int[outer * inner];
        argmaxInto(t.contiguousCopyData(), outer, len, inner, vals, where);
        float[] out = new float[where.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = where[i];
        }
        return Tensor.wrap(out, Shape.of(reducedDims(t.shape, d, keepDim)));
    }

    private static void argmaxInto(float[] x, int outer, int len, int inner, float[] vals, int[] where) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                float bv = x[o * len * inner + i];
                for (int k = 1; k < len; k++) {
                    float v = x[(o * len + k) * inner + i];
                    if (v > bv || (Float.isNaN(v) && !Float.isNaN(bv))) {
                        bv = v;
                        best = k;
                    }
                }
                vals[o * inner + i] = bv;
                where[o * inner + i] = best;
            }
        }
    }

    /** Sums the dimensions a broadcast from {@code target} added or repeated. */
    static Tensor sumTo(Tensor t, Shape target) {
        if (t.shape.equals(target)) {
            return t;
        }
        Shape check = Shape.broadcast(t.shape, target, "sumTo");
        if (!check.equals(t.shape)) {
            throw new IllegalArgumentException("sumTo: shape " + t.shape + " is not a broadcast of " + target);
        }
        Tensor r = t;
        int lead = t.dim() - target.rank();
        for (int i = 0; i < lead; i++) {
            r = r.sum(0, false);
        }
        for (int i = 0; i < target.rank(); i++) {
            if (target.dim(i) == 1 && r.shape.dim(i) != 1) {
                r = r.sum(i, true);
            }
        }
        return r;
    }
}
