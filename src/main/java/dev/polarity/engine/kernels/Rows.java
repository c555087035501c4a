package dev.polarity.engine.kernels;

/**
 * Row-wise kernels of the inference fast path, each fusing what the Tensor ops would do in two or
 * three passes (and allocations): bias + activation after a GEMM, bias + residual + LayerNorm,
 * and softmax in place; and the backward rules of the same ops, which training runs as often.
 * Matrices are row-major with a leading dimension, like {@link Gemm}'s.
 * {@link #scalar()} is the reference; {@link #best()} the jdk.incubator.vector twin when present.
 */
public interface Rows {
    /** c[i][j] = act(c[i][j] + bias[j]) for i in [0, rows), j in [0, cols); bias may be null. */
    void biasActivation(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act);

    /**
     * out[i] = LayerNorm(x[i] + bias + residual[i]) * gamma + beta over rows of length n; bias
     * and residual may be null. {@code out} may be {@code x} or {@code residual} (row by row in place).
     */
    void layerNorm(float[] x, int xOff, float[] bias, float[] residual, int resOff, int rows, int n,
                   float[] gamma, float[] beta, float eps, float[] out, int outOff);

    /** In place, for each of {@code rows} rows of length n: v = softmax(v * scale), scale > 0. */
    void softmax(float[] v, int off, int ld, int rows, int n, float scale);

    /**
     * g[i] *= act'(z[i]) for i in [off, off + n), where y = act(z) is the forward output: GELU's
     * derivative Phi(z) + z phi(z) reads Phi(z) = y / z from it (0.5 near z = 0).
     */
    void activationGrad(float[] g, float[] z, float[] y, int off, int n, Activation act);

    /**
     * Training's forward of LayerNorm(x + residual) * gamma + beta over rows of length n, keeping
     * what backward reads: the normalized rows in xhat and each row's 1/std in rstd[rstdOff + i].
     * Row i of x, residual, y and xhat starts at its offset + i n.
     */
    void layerNormTraining(float[] x, int xOff, float[] residual, int resOff, int rows, int n, float[] gamma,
                           float[] beta, float eps, float[] y, float[] xhat, int outOff, float[] rstd, int rstdOff);

    /**
     * LayerNorm's input gradient for rows of length n starting at off in g, xhat and gx:
     * gx = rstd (g gamma - mean(g gamma) - xhat mean(g gamma xhat)). Also adds each row's
     * g xhat into gammaAcc and g into betaAcc (a partial sum per task, summed by the caller).
     */
    void layerNormBackward(float[] g, float[] xhat, int off, float[] rstd, int rstdOff, int rows, int n,
                           float[] gamma, float[] gx, float[] gammaAcc, float[] betaAcc);

    /**
     * In place over rows of length n (leading dimension n) of dp from dpOff, with the softmax
     * output p (and mask, or null) from pOff: dp = p (dp' - sum(dp' p)) scale, dp' = dp mask, the
     * gradient of the scores when p = softmax(s scale) was used times the mask.
     */
    void softmaxBackward(float[] dp, int dpOff, float[] p, float[] mask, int pOff, int rows, int n, float scale);

    /**
     * Inverted dropout's mask: mask[off + i] = 0 with probability p, else 1 / (1 - p), for i in
     * [0, n). Draws come from a hash of (seed, index0 + i), not a stream, so any split of a range
     * over tasks draws the same mask, and the vector twin the same bits.
     */
    void dropoutMask(float[] mask, int off, int n, long seed, int index0, float p);

    /** The activation applied after a bias. */
    enum Activation { NONE, GELU, RELU }

    Rows SCALAR = new ScalarRows();
    Rows VECTOR = VectorSupport.load("dev.polarity.engine.kernels.VectorRows", Rows.class);

    static Rows scalar() {
        return SCALAR;
    }

    static Rows best() {
        return VECTOR != null && VectorSupport.enabled() ? VECTOR : SCALAR;
    }
}
