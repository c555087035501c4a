package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.Node;
import dev.polarity.engine.kernels.Gemm;
import dev.polarity.engine.kernels.Parallel;
import dev.polarity.engine.kernels.Rows;
import java.util.Random;

/**
 * Scaled dot-product self-attention over packed sequences, recorded as one op: the rows of
 * {@code qkv} [tokens, 3 hidden] are the real tokens of several sentences one after another
 * ([q | k | v] per row, as one QKV projection writes them), sentence r spanning rows
 * [starts[r], starts[r+1]). Each sentence attends only to itself, so no padding is computed or
 * masked, with grad on as in the no-grad fast path. Every (sentence, head) pair is one task.
 */
final class PackedAttention {
    private PackedAttention() {}

    static Tensor apply(Tensor qkv, int[] starts, int heads, float dropout, Random rng) {
        int tokens = qkv.size(0);
        int h3 = qkv.size(1);
        if (qkv.dim() != 2 || h3 % 3 != 0 || (h3 / 3) % heads != 0 || starts[starts.length - 1] != tokens) {
            throw new IllegalArgumentException("attention: qkv " + qkv.shape + " with " + heads + " heads and sentences ending at "
                    + starts[starts.length - 1] + " do not fit");
        }
        int h = h3 / 3;
        int d = h / heads;
        int sentences = starts.length - 1;
        float scale = (float) (1.0 / Math.sqrt(d));
        float[] x = qkv.isContiguous() && qkv.offset == 0 ? qkv.storage.data : qkv.contiguousCopyData();
        int[] probOff = new int[sentences * heads + 1];
        for (int task = 0; task < sentences * heads; task++) {
            int len = starts[task / heads + 1] - starts[task / heads];
            probOff[task + 1] = probOff[task] + len * len;
        }
        float[] probs = new float[probOff[sentences * heads]];
        float[] kept = dropout > 0f ? NnOps.dropoutMask(probs.length, dropout, rng) : null;
        float[] ctx = new float[tokens * h];
        Gemm.Kernel kernel = Gemm.best();
        Rows rows = Rows.best();
        Parallel.forEach(sentences * heads, task -> {
            int r = task / heads;
            int head = task % heads;
            int t0 = starts[r];
            int len = starts[r + 1] - t0;
            if (len == 0) {
                return;
            }
            int p = probOff[task];
            int q = t0 * h3 + head * d;
            kernel.gemm(len, len, d, x, q, h3, x, q + h, h3, true, probs, p, len);
            rows.softmax(probs, p, len, len, len, scale);
            float[] used = probs;
            int usedOff = p;
            if (kept != null) {
                used = new float[len * len];
                usedOff = 0;
                for (int i = 0; i < len * len; i++) {
                    used[i] = probs[p + i] * kept[p + i];
                }
            }
            kernel.gemm(len, d, len, used, usedOff, len, x, q + 2 * h, h3, false, ctx, t0 * h + head * d, h);
        });
        Tensor out = Tensor.wrap(ctx, Shape.of(tokens, h));
        Tensor savedQkv = x == qkv.storage.data ? qkv : Tensor.wrap(x, qkv.shape);
        Tensor savedProbs = Tensor.wrap(probs, Shape.of(probs.length));
        Shape in = qkv.shape;
        return Node.record("attention", out, new Tensor[] {qkv}, new Tensor[] {savedQkv, savedProbs}, g -> {
            float[] gc = g.contiguousCopyData();
            float[] gx = new float[tokens * h3];
            Parallel.forEach(sentences * heads, task -> backward(task, heads, d, h, starts, x, probs, probOff[task], kept, scale,
                    gc, gx, kernel, rows));
            return new Tensor[] {Tensor.wrap(gx, in)};
        });
    }

    private static void backward(int task, int heads, int d, int h, int[] starts, float[] x, float[] probs, int p,
                                 float[] kept, float scale, float[] gc, float[] gx, Gemm.Kernel kernel, Rows rowKernel) {
        int h3 = 3 * h;
        int r = task / heads;
        int head = task % heads;
        int t0 = starts[r];
        int len = starts[r + 1] - t0;
        if (len == 0) {
            return;
        }
        int q = t0 * h3 + head * d;
        int c = t0 * h + head * d;
        // dP' = dC V^T, where P' = P (times the dropout mask when training)
        float[] dp = new float[len * len];
        kernel.gemm(len, len, d, gc, c, h, x, q + 2 * h, h3, true, dp, 0, len);
        // dV = P'^T dC
        float[] pt = new float[len * len];
        for (int i = 0; i < len; i++) {
            for (int j = 0; j < len; j++) {
                float v = probs[p + i * len + j];
                pt[j * len + i] = kept == null ? v : v * kept[p + i * len + j];
            }
        }
        kernel.gemm(len, d, len, pt, 0, len, gc, c, h, false, gx, q + 2 * h, h3);
        // dS = P * (dP - rowsum(dP * P)) * scale, dP = dP' * mask
        rowKernel.softmaxBackward(dp, 0, probs, kept, p, len, len, scale);
        // dQ = dS K, dK = dS^T Q
        kernel.gemm(len, d, len, dp, 0, len, x, q + h, h3, false, gx, q, h3);
        for (int i = 0; i < len; i++) {
            for (int j = 0; j < len; j++) {
                pt[j * len + i] = dp[i * len + j];
            }
        }
        kernel.gemm(len, d, len, pt, 0, len, x, q, h3, false, gx, q + h, h3);
    }
}
