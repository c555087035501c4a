package dev.polarity.engine.tensor;

import dev.polarity.engine.autograd.Node;
import dev.polarity.engine.kernels.Gemm;
import dev.polarity.engine.kernels.Rows;

/**
 * Several linear maps of one input, side by side in one output: concat(x W1^T + b1, x W2^T + b2,
 * ..) as one recorded op, as attention's query, key and value are. One GEMM over the weights'
 * stacked panels forward, one for dX backward (instead of one each and a sum of their
 * gradients), and each dW read from its columns of the incoming gradient in place.
 */
final class LinearConcat {
    private LinearConcat() {}

    static Tensor apply(Tensor x, Tensor[] ws, Tensor[] bs) {
        if (ws.length == 0 || bs.length != ws.length) {
            throw new IllegalArgumentException("linearConcat: " + ws.length + " weights and " + bs.length + " biases");
        }
        int in = x.size(-1);
        int[] outs = new int[ws.length];
        int total = 0;
        for (int j = 0; j < ws.length; j++) {
            Tensor w = ws[j];
            Tensor b = bs[j];
            if (w.dim() != 2 || w.size(1) != in || (b != null && (b.dim() != 1 || b.size(0) != w.size(0)))) {
                throw new IllegalArgumentException("linearConcat: input " + x.shape + ", weight " + w.shape
                        + (b == null ? "" : ", bias " + b.shape) + " do not fit [.., in] x [out, in]^T + [out]");
            }
            outs[j] = w.size(0);
            total += outs[j];
        }
        int rows = x.numel() / in;
        int width = total;
        Tensor xs = x.isContiguous() ? x : x.contiguousCopy();
        float[] bias = stackedBias(bs, outs, total);
        float[] y = new float[rows * total];
        Rows kernel = Rows.best();
        Gemm.runPacked(Gemm.best(), rows, xs.storage.data, xs.offset, in, PackCache.stacked(ws, true), y, 0, total,
                bias == null ? null : (r0, n, c0, cols) -> kernel.biasActivation(y, r0 * width + c0, width, n, cols, bias, c0,
                        Rows.Activation.NONE));
        int[] dims = x.shape.toArray();
        dims[dims.length - 1] = total;
        Tensor result = Tensor.wrap(y, Shape.of(dims));
        Tensor[] inputs = new Tensor[1 + 2 * ws.length];
        Tensor[] saved = new Tensor[1 + ws.length];
        inputs[0] = x;
        saved[0] = xs;
        for (int j = 0; j < ws.length; j++) {
            inputs[1 + j] = ws[j];
            inputs[1 + ws.length + j] = bs[j];
            saved[1 + j] = ws[j];
        }
        Shape xShape = x.shape;
        return Node.recordMasked("linearConcat", result, inputs, saved, (g, needed) -> {
            Fused.GradRows gr = Fused.GradRows.of(g, width);
            float[] gz = gr.data();
            int go = gr.offset();
            int ldg = gr.ld();
            Tensor[] grads = new Tensor[inputs.length];
            if (needed[0]) {
                float[] gx = new float[rows * in];
                Gemm.runPacked(Gemm.best(), rows, gz, go, ldg, PackCache.stacked(ws, false), gx, 0, in, null);
                grads[0] = Tensor.wrap(gx, xShape);
            }
            int col = 0;
            for (int j = 0; j < ws.length; j++) {
                if (needed[1 + j]) {
                    grads[1 + j] = Tensor.ownedGradient(Fused.weightGrad(gz, go + col, ldg, xs, rows, in, outs[j]), ws[j].shape);
                }
                if (bs[j] != null && needed[1 + ws.length + j]) {
                    grads[1 + ws.length + j] = Tensor.ownedGradient(Fused.columnSums(gz, go + col, ldg, rows, outs[j]),
                            Shape.of(outs[j]));
                }
                col += outs[j];
            }
            return grads;
        });
    }

    /** The biases one after another (zeros for a map without one), or null when none has one. */
    private static float[] stackedBias(Tensor[] bs, int[] outs, int total) {
        float[] bias = null;
        int col = 0;
        for (int j = 0; j < bs.length; j++) {
            if (bs[j] != null) {
                if (bias == null) {
                    bias = new float[total];
                }
                System.arraycopy(Fused.flat(bs[j]), 0, bias, col, outs[j]);
            }
            col += outs[j];
        }
        return bias;
    }
}
