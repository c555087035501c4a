package dev.polarity.engine.kernels;

/**
 * Row-wise kernels of the inference fast path, each fusing what the Tensor ops would do in two or
 * three passes (and allocations): bias + activation after a GEMM, bias + residual + LayerNorm,
 * and softmax in place. Matrices are row-major with a leading dimension, like {@link Gemm}'s.
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
