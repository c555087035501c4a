package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.Node;

/** Views share storage with their base and only change offset, shape and strides. */
final class Views {
    private Views() {}

    private static Tensor viewOf(Tensor t, int offset, Shape shape, int[] strides) {
        return new Tensor(t.storage, offset, shape, strides, t.isInference(), t.isView() ? t.base() : t);
    }

    /** A view of an inference tensor is an inference tensor and records nothing, whatever the mode (PyTorch). */
    private static Tensor recordView(String op, Tensor t, Tensor out, Node.BackwardFn fn) {
        return t.isInference() ? out : Node.record(op, out, new Tensor[] {t}, new Tensor[0], fn);
    }

    static Tensor contiguous(Tensor t) {
        Tensor out = t.contiguousCopy();
        return Node.record("contiguous", out, new Tensor[] {t}, new Tensor[0], g -> new Tensor[] {g});
    }

    static Tensor clone(Tensor t) {
        Tensor out = t.contiguousCopy();
        return Node.record("clone", out, new Tensor[] {t}, new Tensor[0], g -> new Tensor[] {g});
    }

    /** Resolves a single -1 and checks the element count. */
    static Shape inferShape(String op, Tensor t, int[] dims) {
        int known = 1;
        int free = -1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (free >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1 in " + java.util.Arrays.toString(dims));
                }
                free = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid dimension " + dims[i] + " in " + java.util.Arrays.toString(dims));
            } else {
                known *= dims[i];
            }
        }
        int[] out = dims.clone();
        if (free >= 0) {
            if (known == 0 || t.numel() % known != 0) {
                throw new IllegalArgumentException(op + ": shape " + java.util.Arrays.toString(dims) + " is invalid for input of shape " + t.shape);
            }
            out[free] = t.numel() / known;
        }
        Shape s = Shape.of(out);
        if (s.numel() != t.numel()) {
            throw new IllegalArgumentException(op + ": shape " + s + " is invalid for input of shape " + t.shape + " (" + t.numel() + " elements)");
        }
        return s;
    }

    static Tensor view(Tensor t, int[] dims) {
        Shape s = inferShape("view", t, dims);
        if (!t.isContiguous()) {
            throw new IllegalStateException("view: input of shape " + t.shape + " is not contiguous; use reshape()");
        }
        Tensor out = viewOf(t, t.offset, s, s.contiguousStrides());
        int[] in = t.shape.toArray();
        return recordView("view", t, out, g -> new Tensor[] {g.reshape(in)});
    }

    static Tensor reshape(Tensor t, int[] dims) {
        inferShape("reshape", t, dims); // so a bad shape is reported as reshape's, not view's
        return t.isContiguous() ? view(t, dims) : view(contiguous(t), dims);
    }

    static Tensor transpose(Tensor t, int d0, int d1) {
        int a = t.shape.normalize(d0, "transpose");
        int b = t.shape.normalize(d1, "transpose");
        int[] order = new int[t.dim()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return permute(t, order);
    }

    static Tensor permute(Tensor t, int[] order) {
        int r = t.dim();
        if (order.length != r) {
            throw new IllegalArgumentException("permute: order " + java.util.Arrays.toString(order) + " does not match shape " + t.shape);
        }
        int[] dims = new int[r];
        int[] strides = new int[r];
        int[] inverse = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int o = t.shape.normalize(order[i], "permute");
            if (seen[o]) {
                throw new IllegalArgumentException("permute: repeated dimension in " + java.util.Arrays.toString(order));
            }
            seen[o] = true;
            dims[i] = t.shape.dim(o);
            strides[i] = t.strides[o];
            inverse[o] = i;
        }
        Tensor out = viewOf(t, t.offset, Shape.of(dims), strides);
        return recordView("permute", t, out, g -> new Tensor[] {g.permute(inverse)});
    }

    static Tensor narrow(Tensor t, int dim, int start, int length) {
        int d = t.shape.normalize(dim, "narrow");
        int size = t.shape.dim(d);
        if (start < 0 || length < 0 || start + length > size) {
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + length) + ") is out of bounds for dimension "
                    + dim + " of shape " + t.shape);
        }
        int[] dims = t.shape.toArray();
        dims[d] = length;
        Tensor out = viewOf(t, t.offset + start * t.strides[d], Shape.of(dims), t.strides.clone());
        int[] in = t.shape.toArray();
        return recordView("narrow", t, out, g -> {
            Tensor full = Tensor.zeros(in);
            Strided.copyFrom(full.narrow(d, start, length), g.contiguousCopyData(), 0);
            return new Tensor[] {full};
        });
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int r = t.dim();
        int d = dim < 0 ? dim + r + 1 : dim;
        if (d < 0 || d > r) {
            throw new IllegalArgumentException("unsqueeze: dimension " + dim + " is out of range for shape " + t.shape);
        }
        int[] dims = new int[r + 1];
        int[] strides = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == d) {
                dims[i] = 1;
                strides[i] = j < r ? t.strides[j] * t.shape.dim(j) : 1;
            } else {
                dims[i] = t.shape.dim(j);
                strides[i] = t.strides[j];
                j++;
            }
        }
        Tensor out = viewOf(t, t.offset, Shape.of(dims), strides);
        int[] in = t.shape.toArray();
        return recordView("unsqueeze", t, out, g -> new Tensor[] {g.reshape(in)});
    }

    static Tensor squeeze(Tensor t, int dim) {
        int d = t.shape.normalize(dim, "squeeze");
        if (t.shape.dim(d) != 1) {
            throw new IllegalArgumentException("squeeze: dimension " + dim + " of shape " + t.shape + " is not 1");
        }
        int r = t.dim();
        int[] dims = new int[r - 1];
        int[] strides = new int[r - 1];
        for (int i = 0, j = 0; i < r; i++) {
            if (i != d) {
                dims[j] = t.shape.dim(i);
                strides[j] = t.strides[i];
                j++;
            }
        }
        Tensor out = viewOf(t, t.offset, Shape.of(dims), strides);
        int[] in = t.shape.toArray();
        return recordView("squeeze", t, out, g -> new Tensor[] {g.reshape(in)});
    }

    static Tensor expand(Tensor t, int[] dims) {
        Shape target = Shape.of(dims);
        if (target.rank() < t.dim()) {
            throw new IllegalArgumentException("expand: cannot expand shape " + t.shape + " to fewer dimensions " + target);
        }
        int lead = target.rank() - t.dim();
        for (int i = 0; i < t.dim(); i++) {
            int have = t.shape.dim(i);
            if (have != 1 && have != target.dim(i + lead)) {
                throw new IllegalArgumentException("expand: shape " + t.shape + " cannot be expanded to " + target);
            }
        }
        Tensor out = viewOf(t, t.offset, target, Strided.broadcastStrides(t, target));
        Shape in = t.shape;
        return recordView("expand", t, out, g -> new Tensor[] {g.sumTo(in)});
    }

    static Tensor concat(int dim, Tensor[] parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        Shape first = parts[0].shape;
        int d = first.normalize(dim, "concat");
        int total = 0;
        for (Tensor p : parts) {
            if (p.dim() != first.rank()) {
                throw new IllegalArgumentException("concat: shapes " + first + " and " + p.shape + " differ in rank");
            }
            for (int i = 0; i < first.rank(); i++) {
                if (i != d && p.shape.dim(i) != first.dim(i)) {
                    throw new IllegalArgumentException("concat: shapes " + first + " and " + p.shape + " differ outside dimension " + dim);
                }
            }
            total += p.shape.dim(d);
        }
        int[] dims = first.toArray();
        dims[d] = total;
        Tensor out = Tensor.zeros(dims);
        int[] starts = new int[parts.length];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            starts[i] = at;
            int len = parts[i].shape.dim(d);
            Strided.copyFrom(new Tensor(out.storage, out.offset + at * out.strides[d], parts[i].shape, out.strides, false, out),
                    parts[i].contiguousCopyData(), 0);
            at += len;
        }
        int[] lengths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            lengths[i] = parts[i].shape.dim(d);
        }
        return Node.record("concat", out, parts.clone(), new Tensor[0], g -> {
            Tensor[] grads = new Tensor[lengths.length];
            for (int i = 0; i < lengths.length; i++) {
                grads[i] = g.narrow(d, starts[i], lengths[i]);
            }
            return grads;
        });
    }
}
