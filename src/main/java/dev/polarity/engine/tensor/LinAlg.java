package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.Node;
import dev.polarity.engine.kernels.Gemm;

/** matmul and batched matmul over the GEMM kernel, without copying transposed right-hand sides. */
final class LinAlg {
    private LinAlg() {}

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() < 2 || b.dim() < 2) {
            throw new IllegalArgumentException("matmul: both operands need at least 2 dimensions, got " + a.shape + " and " + b.shape);
        }
        int m = a.size(-2);
        int k = a.size(-1);
        int n = b.size(-1);
        if (b.size(-2) != k) {
            throw new IllegalArgumentException("matmul: shapes " + a.shape + " and " + b.shape + " cannot be multiplied ("
                    + k + " != " + b.size(-2) + ")");
        }
        Tensor out;
        if (b.dim() == 2 && a.dim() > 2) {
            // A stack of rows times one matrix: fold the batch into the rows (Linear layers).
            Tensor a2 = a.isContiguous() ? a : a.contiguousCopy();
            int rows = a.numel() / k;
            out = gemm2d(a2, rows, k, b, n);
            int[] dims = a.shape.toArray();
            dims[dims.length - 1] = n;
            out = Tensor.wrap(out.storage.data, Shape.of(dims));
        } else {
            out = batched(a, b, m, k, n);
        }
        return Node.record("matmul", out, new Tensor[] {a, b}, new Tensor[] {a, b}, g -> new Tensor[] {
            a.requiresGrad() ? g.matmul(b.t()).sumTo(a.shape) : null,
            b.requiresGrad() ? gradB(a, g, b) : null});
    }

    /** dB = A^T G, folding batch dimensions first when B was shared by the whole batch. */
    private static Tensor gradB(Tensor a, Tensor g, Tensor b) {
        if (b.dim() == 2 && a.dim() > 2) {
            int k = a.size(-1);
            return a.reshape(-1, k).t().matmul(g.reshape(-1, g.size(-1)));
        }
        return a.t().matmul(g).sumTo(b.shape);
    }

    private static Tensor gemm2d(Tensor a, int m, int k, Tensor b, int n) {
        float[] c = new float[m * n];
        Tensor bb = Layout.of(b) == null ? b.contiguousCopy() : b;
        Layout lb = Layout.of(bb);
        Gemm.gemm(m, n, k, a.storage.data, a.offset, k, lb.data, bb.offset, lb.ld, lb.trans, c, 0, n);
        return Tensor.wrap(c, Shape.of(m, n));
    }

    private static Tensor batched(Tensor a, Tensor b, int m, int k, int n) {
        int ra = a.dim();
        int rb = b.dim();
        Shape batchA = Shape.of(java.util.Arrays.copyOf(a.shape.toArray(), ra - 2));
        Shape batchB = Shape.of(java.util.Arrays.copyOf(b.shape.toArray(), rb - 2));
        Shape batch;
        try {
            batch = Shape.broadcast(batchA, batchB, "matmul");
        } catch (IllegalArgumentException e) { // name the operands, not just their batch parts
            throw new IllegalArgumentException("matmul: batch dimensions of " + a.shape + " and " + b.shape + " cannot be broadcast together");
        }
        int[] full = java.util.Arrays.copyOf(batch.toArray(), batch.rank() + 2);
        full[batch.rank()] = m;
        full[batch.rank() + 1] = k;
        Tensor ae = a.detach().expand(full);
        if (ae.strides[ae.dim() - 1] != 1 && k > 1) {
            ae = ae.contiguousCopy();
        }
        int lda = m > 1 ? ae.strides[ae.dim() - 2] : k; // rows may be spaced apart (heads of one token), no copy needed
        full[batch.rank()] = k;
        full[batch.rank() + 1] = n;
        Tensor be = b.detach().expand(full);
        Layout lb = Layout.of(be);
        if (lb == null) {
            be = be.contiguousCopy();
            lb = Layout.of(be);
        }
        int batches = batch.numel();
        float[] c = new float[batches * m * n];
        int[] idx = new int[batch.rank()];
        for (int i = 0; i < batches; i++) {
            int ao = ae.offset;
            int bo = be.offset;
            for (int d = 0; d < idx.length; d++) {
                ao += idx[d] * ae.strides[d];
                bo += idx[d] * be.strides[d];
            }
            Gemm.gemm(m, n, k, ae.storage.data, ao, lda, lb.data, bo, lb.ld, lb.trans, c, i * m * n, n);
            for (int d = idx.length - 1; d >= 0; d--) {
                if (++idx[d] < batch.dim(d)) {
                    break;
                }
                idx[d] = 0;
            }
        }
        full[batch.rank()] = m;
        full[batch.rank() + 1] = n;
        return Tensor.wrap(c, Shape.of(full));
    }

    /** How the last two dimensions of a [.., k, n] operand lie in memory, if the kernel can read them as they are. */
    private record Layout(float[] data, int ld, boolean trans) {
        static Layout of(Tensor b) {
            int r = b.dim();
            int sk = b.strides[r - 2];
            int sn = b.strides[r - 1];
            int k = b.size(-2);
            int n = b.size(-1);
            // Any row spacing works: the kernel takes a leading dimension, so strided heads need no copy.
            if (sn == 1 && (k == 1 || sk >= n)) {
                return new Layout(b.storage.data, k == 1 ? n : sk, false);
            }
            if (sk == 1 && (n == 1 || sn >= k)) {
                return new Layout(b.storage.data, n == 1 ? k : sn, true);
            }
            return null;
        }
    }
}
