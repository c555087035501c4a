package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.Node;
import dev.polarity.engine.kernels.Gemm;
import dev.polarity.engine.kernels.PackedB;
import dev.polarity.engine.kernels.Parallel;
import dev.polarity.engine.kernels.Rows;

/**
 * Fused ops recorded as one node each, with their own gradient rules: what a transformer layer
 * is made of when gradients are wanted. Forward and backward run on the GEMM and row kernels
 * (vector where available), split over the kernel pool, instead of the element-wise tensor ops.
 */
final class Fused {
    private Fused() {}

    private static float[] data(Tensor t) {
        return t.isContiguous() ? t.storage.data : t.contiguousCopyData(); // read from off(t)
    }

    private static int off(Tensor t) {
        return t.isContiguous() ? t.offset : 0;
    }

    static float[] flat(Tensor t) {
        return t.isContiguous() && t.offset == 0 && t.storage.data.length == t.numel() ? t.storage.data : t.contiguousCopyData();
    }

    /** y = act(x W^T + b): x [.., in], W [out, in] (PyTorch's layout), b [out] or null. */
    static Tensor linear(Tensor x, Tensor w, Tensor b, Rows.Activation act) {
        if (w.dim() != 2 || x.size(-1) != w.size(1) || (b != null && (b.dim() != 1 || b.size(0) != w.size(0)))) {
            throw new IllegalArgumentException("linear: input " + x.shape + ", weight " + w.shape
                    + (b == null ? "" : ", bias " + b.shape) + " do not fit [.., in] x [out, in]^T + [out]");
        }
        int in = w.size(1);
        int out = w.size(0);
        int rows = x.numel() / in;
        Tensor xs = x.isContiguous() ? x : x.contiguousCopy(); // what backward reads for dW
        float[] xd = xs.storage.data;
        int xo = xs.offset;
        float[] bd = b == null ? null : flat(b);
        float[] z = new float[rows * out];
        float[] y = act == Rows.Activation.NONE ? z : new float[rows * out];
        Rows kernel = Rows.best();
        // Bias, then (when there is one) the activation into y, on each block of the GEMM's output
        // while it is still in cache; backward needs z too.
        Gemm.Epilogue epilogue = act == Rows.Activation.NONE
                ? (bd == null ? null : (r0, n, c0, cols) -> kernel.biasActivation(z, r0 * out + c0, out, n, cols, bd, c0, act))
                : (r0, n, c0, cols) -> {
                    if (bd != null) {
                        kernel.biasActivation(z, r0 * out + c0, out, n, cols, bd, c0, Rows.Activation.NONE);
                    }
                    for (int r = r0; r < r0 + n; r++) {
                        System.arraycopy(z, r * out + c0, y, r * out + c0, cols);
                    }
                    kernel.biasActivation(y, r0 * out + c0, out, n, cols, null, 0, act);
                };
        Gemm.runPacked(Gemm.best(), rows, xd, xo, in, PackCache.transposed(w), z, 0, out, epilogue);
        int[] dims = x.shape.toArray();
        dims[dims.length - 1] = out;
        Tensor result = Tensor.wrap(y, Shape.of(dims));
        Tensor[] saved = act == Rows.Activation.NONE ? new Tensor[] {xs, w} : new Tensor[] {xs, w, Tensor.wrap(z, Shape.of(dims)), result};
        Shape xShape = x.shape;
        Shape wShape = w.shape;
        float[] yFinal = y;
        return Node.recordMasked("linear", result, new Tensor[] {x, w, b}, saved, (g, needed) -> {
            // The incoming gradient is read where it lies when it can be; the activation's
            // derivative is applied to a copy.
            GradRows gr;
            if (act == Rows.Activation.NONE) {
                gr = GradRows.of(g, out);
            } else {
                float[] copy = g.contiguousCopyData();
                Parallel.forRows(rows, 16, (r0, n) -> kernel.activationGrad(copy, z, yFinal, r0 * out, n * out, act));
                gr = new GradRows(copy, 0, out);
            }
            float[] gz = gr.data();
            int go = gr.offset();
            int ldg = gr.ld();
            Tensor gx = null;
            if (needed[0]) {
                float[] gxd = new float[rows * in];
                Gemm.runPacked(Gemm.best(), rows, gz, go, ldg, PackCache.plain(w), gxd, 0, in, null);
                gx = Tensor.wrap(gxd, xShape);
            }
            Tensor gw = null;
            if (needed[1]) {
                gw = Tensor.ownedGradient(weightGrad(gz, go, ldg, xs, rows, in, out), wShape);
            }
            Tensor gb = bd == null || !needed[2] ? null : Tensor.ownedGradient(columnSums(gz, go, ldg, rows, out), Shape.of(out));
            return new Tensor[] {gx, gw, gb};
        });
    }

    /** An incoming gradient as rows of {@code ld} floats from {@code offset}: where it lies, or a copy. */
    record GradRows(float[] data, int offset, int ld) {
        /** g [.., width] read in place when its rows are evenly spaced (slices of a concatenation are), else copied. */
        static GradRows of(Tensor g, int width) {
            if (rowsInPlace(g)) {
                return new GradRows(g.storage.data, g.offset, g.dim() == 1 ? width : g.strides[g.dim() - 2]);
            }
            return new GradRows(g.contiguousCopyData(), 0, width);
        }
    }

    /** True when t's rows (all dimensions but the last, flattened) are evenly spaced and each is contiguous. */
    private static boolean rowsInPlace(Tensor t) {
        if (t.isContiguous()) {
            return true;
        }
        int d = t.dim();
        if (d < 2 || t.strides[d - 1] != 1) {
            return false;
        }
        for (int i = d - 2; i > 0; i--) {
            if (t.strides[i - 1] != t.strides[i] * t.size(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * dW [out, in] = gz^T x for gz [rows, out] (row stride ldg, at go) and x [rows, in] (at xo): the
     * kernel reads gz as a transposed A, so it is not copied.
     */
    static float[] weightGrad(float[] gz, int go, int ldg, Tensor x, int rows, int in, int out) {
        float[] gwd = new float[out * in];
        Gemm.runPackedTransA(Gemm.best(), out, gz, go, ldg, packedInput(x, rows, in), gwd, 0, in);
        return gwd;
    }

    /** The input a backward GEMM packed last on this thread, and where it came from. */
    private record PackedInput(Storage storage, int version, int offset, int rows, int in, PackedB packed) {}

    private static final ThreadLocal<PackedInput> LAST_INPUT = new ThreadLocal<>();

    /**
     * x [rows, in] packed for dW. Query, key and value's three dW share it (see LinearConcat), so
     * the last packing is kept and reused while it matches, and its floats are reused for the
     * next input of the same shape. They are read only by the GEMM of {@link #weightGrad}, which
     * this thread waits for. x is contiguous; an in-place write to it bumps its version. What it
     * costs: each thread that ran a backward holds its last packed input until its next one.
     */
    private static PackedB packedInput(Tensor x, int rows, int in) {
        PackedInput last = LAST_INPUT.get();
        if (last != null && last.storage() == x.storage && last.version() == x.version() && last.offset() == x.offset
                && last.rows() == rows && last.in() == in) {
            return last.packed();
        }
        PackedB packed = PackedB.of(x.storage.data, x.offset, rows, in, in, last == null ? null : last.packed());
        LAST_INPUT.set(new PackedInput(x.storage, x.version(), x.offset, rows, in, packed));
        return packed;
    }

    /**
     * Sums of the columns of a [rows, cols] block with row stride ld: each task adds up a run of
     * whole rows (streamed in order, the inner loop vectorized by C2) into a partial sum of its own,
     * and the partials are added at the end.
     */
    static float[] columnSums(float[] a, int off, int ld, int rows, int cols) {
        int tasks = Math.max(1, Math.min(Parallel.threads() * 4, rows / 32));
        float[][] parts = new float[tasks][cols];
        Parallel.forEach(tasks, t -> {
            float[] part = parts[t];
            int r1 = (int) ((long) rows * (t + 1) / tasks);
            for (int r = (int) ((long) rows * t / tasks); r < r1; r++) {
                int o = off + r * ld;
                for (int c = 0; c < cols; c++) {
                    part[c] += a[o + c];
                }
            }
        });
        float[] s = parts[0];
        for (int t = 1; t < tasks; t++) {
            float[] part = parts[t];
            for (int c = 0; c < cols; c++) {
                s[c] += part[c];
            }
        }
        return s;
    }

    /** LayerNorm(x + residual) * gamma + beta over the last dimension, as BERT ends each sub-layer. */
    static Tensor addLayerNorm(Tensor x, Tensor residual, Tensor gamma, Tensor beta, float eps) {
        int n = x.size(-1);
        if (!x.shape.equals(residual.shape) || gamma.numel() != n || beta.numel() != n) {
            throw new IllegalArgumentException("addLayerNorm: input " + x.shape + ", residual " + residual.shape
                    + ", gamma " + gamma.shape + " and beta " + beta.shape + " do not fit");
        }
        int rows = x.numel() / n;
        float[] xd = data(x);
        int xo = off(x);
        float[] rd = data(residual);
        int ro = off(residual);
        float[] gd = flat(gamma);
        float[] bd = flat(beta);
        float[] xhat = new float[rows * n];
        float[] rstd = new float[rows];
        float[] y = new float[rows * n];
        Rows kernel = Rows.best();
        Parallel.forRows(rows, 16, (r0, count) -> kernel.layerNormTraining(xd, xo + r0 * n, rd, ro + r0 * n, count, n,
                gd, bd, eps, y, xhat, r0 * n, rstd, r0));
        Tensor result = Tensor.wrap(y, x.shape);
        Tensor savedXhat = Tensor.wrap(xhat, x.shape);
        Tensor savedRstd = Tensor.wrap(rstd, Shape.of(rows));
        Shape shape = x.shape;
        return Node.record("addLayerNorm", result, new Tensor[] {x, residual, gamma, beta},
                new Tensor[] {savedXhat, savedRstd, gamma}, g -> {
            float[] gv = g.contiguousCopyData();
            float[] gs = new float[rows * n];
            int tasks = Math.max(1, Math.min(Parallel.threads() * 4, rows / 16));
            float[][] partGamma = new float[tasks][n];
            float[][] partBeta = new float[tasks][n];
            Parallel.forEach(tasks, t -> {
                int r0 = (int) ((long) rows * t / tasks);
                int r1 = (int) ((long) rows * (t + 1) / tasks);
                kernel.layerNormBackward(gv, xhat, r0 * n, rstd, r0, r1 - r0, n, gd, gs, partGamma[t], partBeta[t]);
            });
            float[] gGamma = new float[n];
            float[] gBeta = new float[n];
            for (int t = 0; t < tasks; t++) {
                for (int j = 0; j < n; j++) {
                    gGamma[j] += partGamma[t][j];
                    gBeta[j] += partBeta[t][j];
                }
            }
            Tensor gx = Tensor.wrap(gs, shape);
            return new Tensor[] {gx, gx, Tensor.ownedGradient(gGamma, Shape.of(n)), Tensor.ownedGradient(gBeta, Shape.of(n))};
        });
    }

    /** Rows {@code index[i]} of a [rows, cols] tensor, in that order: [index.length, cols]. */
    static Tensor gatherRows(Tensor x, int[] index) {
        int rows = x.size(0);
        int cols = x.numel() / Math.max(1, rows);
        float[] xd = data(x);
        int xo = off(x);
        float[] out = new float[index.length * cols];
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= rows) {
                throw new IndexOutOfBoundsException("gatherRows: row " + index[i] + " of " + rows);
            }
            System.arraycopy(xd, xo + index[i] * cols, out, i * cols, cols);
        }
        int[] dims = x.shape.toArray();
        dims[0] = index.length;
        Shape in = x.shape;
        int[] kept = index.clone();
        return Node.record("gatherRows", Tensor.wrap(out, Shape.of(dims)), new Tensor[] {x}, new Tensor[0], g -> {
            float[] gv = g.contiguousCopyData();
            float[] gx = new float[in.numel()];
            for (int i = 0; i < kept.length; i++) {
                int o = kept[i] * cols;
                for (int j = 0; j < cols; j++) {
                    gx[o + j] += gv[i * cols + j];
                }
            }
            return new Tensor[] {Tensor.wrap(gx, in)};
        });
    }

    /** The inverse placement: row i of x goes to row {@code index[i]} of a zero [rows, cols] result. */
    static Tensor scatterRows(Tensor x, int[] index, int rows) {
        int cols = x.numel() / Math.max(1, x.size(0));
        float[] xd = data(x);
        int xo = off(x);
        float[] out = new float[rows * cols];
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(xd, xo + i * cols, out, index[i] * cols, cols);
        }
        int[] dims = x.shape.toArray();
        dims[0] = rows;
        Shape in = x.shape;
        int[] kept = index.clone();
        return Node.record("scatterRows", Tensor.wrap(out, Shape.of(dims)), new Tensor[] {x}, new Tensor[0], g -> {
            float[] gv = g.contiguousCopyData();
            float[] gx = new float[in.numel()];
            for (int i = 0; i < kept.length; i++) {
                System.arraycopy(gv, kept[i] * cols, gx, i * cols, cols);
            }
            return new Tensor[] {Tensor.wrap(gx, in)};
        });
    }
}
