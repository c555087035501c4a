package dev.polarity.engine.kernels;

/** The plain-Java twin of {@link VectorRows}, in the same order of operations where it matters. */
final class ScalarRows implements Rows {
    static final double INV_SQRT_2PI = 0.3989422804014327;
    /** Below this |z|, GELU's Phi(z) is taken as 0.5 rather than y / z (which loses all precision there). */
    static final float GELU_Z0 = 1e-6f;

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
            float rstd = rstd(out, oi, n, mean, eps);
            for (int j = 0; j < n; j++) {
                out[oi + j] = (out[oi + j] - mean) * rstd * gamma[j] + beta[j];
            }
        }
    }

    /** 1 / sqrt(variance + eps) of v[o, o + n), around its mean: a second pass, so large means cancel nothing. */
    private static float rstd(float[] v, int o, int n, float mean, float eps) {
        float var = 0f;
        for (int j = 0; j < n; j++) {
            float d = v[o + j] - mean;
            var += d * d;
        }
        return (float) (1.0 / Math.sqrt(var / n + eps));
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

    @Override
    public void activationGrad(float[] g, float[] z, float[] y, int off, int n, Activation act) {
        for (int i = off; i < off + n; i++) {
            g[i] *= derivative(z[i], y[i], act);
        }
    }

    /** act'(z) given y = act(z): also the vector twin's tail. */
    static float derivative(float z, float y, Activation act) {
        return switch (act) {
            case NONE -> 1f;
            case RELU -> z > 0f ? 1f : 0f;
            case GELU -> (Math.abs(z) < GELU_Z0 ? 0.5f : y / z) + z * (float) (INV_SQRT_2PI * Math.exp(-0.5 * z * z));
        };
    }

    @Override
    public void layerNormTraining(float[] x, int xOff, float[] residual, int resOff, int rows, int n, float[] gamma,
                                  float[] beta, float eps, float[] y, float[] xhat, int outOff, float[] rstd, int rstdOff) {
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * n;
            int ri = resOff + i * n;
            int o = outOff + i * n;
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                float v = x[xi + j] + residual[ri + j];
                xhat[o + j] = v;
                sum += v;
            }
            float mean = sum / n;
            float rs = rstd(xhat, o, n, mean, eps);
            rstd[rstdOff + i] = rs;
            for (int j = 0; j < n; j++) {
                float h = (xhat[o + j] - mean) * rs;
                xhat[o + j] = h;
                y[o + j] = h * gamma[j] + beta[j];
            }
        }
    }

    @Override
    public void layerNormBackward(float[] g, float[] xhat, int off, float[] rstd, int rstdOff, int rows, int n,
                                  float[] gamma, float[] gx, float[] gammaAcc, float[] betaAcc) {
        for (int i = 0; i < rows; i++) {
            int o = off + i * n;
            float a = 0f;
            float b = 0f;
            for (int j = 0; j < n; j++) {
                float gh = g[o + j] * gamma[j];
                a += gh;
                b += gh * xhat[o + j];
                gammaAcc[j] += g[o + j] * xhat[o + j];
                betaAcc[j] += g[o + j];
            }
            a /= n;
            b /= n;
            float rs = rstd[rstdOff + i];
            for (int j = 0; j < n; j++) {
                gx[o + j] = rs * (g[o + j] * gamma[j] - a - xhat[o + j] * b);
            }
        }
    }

    @Override
    public void softmaxBackward(float[] dp, int dpOff, float[] p, float[] mask, int pOff, int rows, int n, float scale) {
        for (int i = 0; i < rows; i++) {
            int d = dpOff + i * n;
            int o = pOff + i * n;
            float dot = 0f;
            for (int j = 0; j < n; j++) {
                if (mask != null) {
                    dp[d + j] *= mask[o + j];
                }
                dot += dp[d + j] * p[o + j];
            }
            for (int j = 0; j < n; j++) {
                dp[d + j] = p[o + j] * (dp[d + j] - dot) * scale;
            }
        }
    }

    @Override
    public void dropoutMask(float[] mask, int off, int n, long seed, int index0, float p) {
        float keep = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            mask[off + i] = uniform(seed, index0 + i) < p ? 0f : keep;
        }
    }

    /**
     * A uniform draw from [0, 1) in steps of 2^-23 for counter i: two rounds of a 32-bit integer
     * finalizer (Wellons' lowbias32), the seed mixed in before each (its low half, then the high
     * half and the hashed low half, so seeds whose low halves differ do not merely shift the
     * counter), the top 23 bits made the mantissa of a float in [1, 2).
     */
    static float uniform(long seed, int i) {
        int h = mix(mix(i + (int) seed) ^ secondKey(seed));
        return Float.intBitsToFloat((h >>> 9) | 0x3f800000) - 1f;
    }

    static int secondKey(long seed) {
        return (int) (seed >>> 32) ^ mix((int) seed);
    }

    static int mix(int x) {
        x ^= x >>> 16;
        x *= 0x7feb352d;
        x ^= x >>> 15;
        x *= 0x846ca68b;
        return x ^ (x >>> 16);
    }
}
