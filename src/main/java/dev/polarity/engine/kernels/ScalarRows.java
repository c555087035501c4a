package dev.polarity.engine.kernels;

/** The plain-Java twin of {@link VectorRows}, in the same order of operations where it matters. */
final class ScalarRows implements Rows {
    @Override
    public void biasActivation(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act) {
        for (int i = 0; i < rows; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < cols; j++) {
                c[ci + j] = activate(c[ci + j] + (bias == null ? 0f : bias[biasOff + j]), act);
            }
        }
    }

    /** The activation on one value: also the vector twin's tail. */
    static float activate(float v, Activation act) {
        return switch (act) {
            case NONE -> v;
            case RELU -> Math.max(v, 0f);
            case GELU -> MathFns.gelu(v);
        };
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] bias, float[] residual, int resOff, int rows, int n,
                          float[] gamma, float[] beta, float eps, float[] out, int outOff) {
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * n;
            int oi = outOff + i * n;
            int ri = resOff + i * n;
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                float v = x[xi + j];
                if (bias != null) {
                    v += bias[j];
                }
                if (residual != null) {
                    v += residual[ri + j];
                }
                out[oi + j] = v; // the row is summed in the output: no scratch array
                sum += v;
            }
            float mean = sum / n;
            float var = 0f;
            for (int j = 0; j < n; j++) {
                float d = out[oi + j] - mean;
                var += d * d;
            }
            float rstd = (float) (1.0 / Math.sqrt(var / n + eps));
            for (int j = 0; j < n; j++) {
                out[oi + j] = (out[oi + j] - mean) * rstd * gamma[j] + beta[j];
            }
        }
    }

    @Override
    public void softmax(float[] v, int off, int ld, int rows, int n, float scale) {
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, v[o + j]);
            }
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                float e = (float) Math.exp((v[o + j] - max) * scale);
                v[o + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < n; j++) {
                v[o + j] *= inv;
            }
        }
    }
}
