package dev.polarity.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The jdk.incubator.vector twin of {@link ScalarRows}; loaded by name through {@link VectorSupport}.
 * Same single species as {@link VectorGemm} (at most 256 bits, see there why). Loops end in plain
 * Java for the last n % L elements rather than masked vectors, which JDK 17 runs slowly. No vector
 * is ever picked by a branch (C2 would box it): null bias or residual get loops of their own.
 */
final class VectorRows implements Rows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.vectorBitSize() > 256
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float INV_SQRT2 = 0.70710678f;

    @Override
    public void biasActivation(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act) {
        int cv = S.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int ci = cOff + i * ldc;
            int j = 0;
            if (bias != null) {
                for (; j < cv; j += L) {
                    FloatVector v = FloatVector.fromArray(S, c, ci + j).add(FloatVector.fromArray(S, bias, biasOff + j));
                    activate(v, act).intoArray(c, ci + j);
                }
            } else {
                for (; j < cv; j += L) {
                    activate(FloatVector.fromArray(S, c, ci + j), act).intoArray(c, ci + j);
                }
            }
            for (; j < cols; j++) {
                c[ci + j] = ScalarRows.activate(c[ci + j] + (bias == null ? 0f : bias[biasOff + j]), act);
            }
        }
    }

    private static FloatVector activate(FloatVector v, Activation act) {
        return switch (act) {
            case NONE -> v;
            case RELU -> v.max(0f);
            case GELU -> gelu(v);
        };
    }

    /**
     * 0.5 x (1 + erf(x / sqrt 2)) with the same Chebyshev-fitted erfc as {@link MathFns#erf}
     * (fractional error below 1.2e-7), evaluated in float with the vector exp.
     */
    static FloatVector gelu(FloatVector x) {
        FloatVector u = x.mul(INV_SQRT2);
        FloatVector z = u.abs();
        FloatVector t = z.fma(0.5f, 1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector p = t.fma(0.17087277f, -0.82215223f);
        p = p.fma(t, FloatVector.broadcast(S, 1.48851587f));
        p = p.fma(t, FloatVector.broadcast(S, -1.13520398f));
        p = p.fma(t, FloatVector.broadcast(S, 0.27886807f));
        p = p.fma(t, FloatVector.broadcast(S, -0.18628806f));
        p = p.fma(t, FloatVector.broadcast(S, 0.09678418f));
        p = p.fma(t, FloatVector.broadcast(S, 0.37409196f));
        p = p.fma(t, FloatVector.broadcast(S, 1.00002368f));
        p = p.fma(t, FloatVector.broadcast(S, -1.26551223f));
        FloatVector r = t.mul(z.mul(z).neg().add(p).lanewise(VectorOperators.EXP)); // erfc(|u|)
        // erf(u) = 1 - r for u >= 0, r - 1 below; so 1 + erf(u) = 2 - r or r.
        FloatVector onePlusErf = r.neg().add(2f).blend(r, u.compare(VectorOperators.LT, 0f));
        return x.mul(0.5f).mul(onePlusErf);
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] bias, float[] residual, int resOff, int rows, int n,
                          float[] gamma, float[] beta, float eps, float[] out, int outOff) {
        int nv = S.loopBound(n);
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * n;
            int oi = outOff + i * n;
            int ri = resOff + i * n;
            // Pass 1: the summed row goes to out (row by row, so out may alias x or residual).
            if (bias != null && residual != null) {
                for (int j = 0; j < nv; j += L) {
                    FloatVector.fromArray(S, x, xi + j).add(FloatVector.fromArray(S, bias, j))
                            .add(FloatVector.fromArray(S, residual, ri + j)).intoArray(out, oi + j);
                }
            } else if (bias != null) {
                for (int j = 0; j < nv; j += L) {
                    FloatVector.fromArray(S, x, xi + j).add(FloatVector.fromArray(S, bias, j)).intoArray(out, oi + j);
                }
            } else if (residual != null) {
                for (int j = 0; j < nv; j += L) {
                    FloatVector.fromArray(S, x, xi + j).add(FloatVector.fromArray(S, residual, ri + j)).intoArray(out, oi + j);
                }
            } else {
                for (int j = 0; j < nv; j += L) {
                    FloatVector.fromArray(S, x, xi + j).intoArray(out, oi + j);
                }
            }
            for (int j = nv; j < n; j++) {
                out[oi + j] = x[xi + j] + (bias == null ? 0f : bias[j]) + (residual == null ? 0f : residual[ri + j]);
            }
            // Pass 2: mean. Pass 3: variance around it (two passes: no cancellation on large means).
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < nv; j += L) {
                acc = acc.add(FloatVector.fromArray(S, out, oi + j));
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (int j = nv; j < n; j++) {
                sum += out[oi + j];
            }
            float mean = sum / n;
            FloatVector vm = FloatVector.broadcast(S, mean);
            FloatVector sq = FloatVector.zero(S);
            for (int j = 0; j < nv; j += L) {
                FloatVector d = FloatVector.fromArray(S, out, oi + j).sub(vm);
                sq = d.fma(d, sq);
            }
            float var = sq.reduceLanes(VectorOperators.ADD);
            for (int j = nv; j < n; j++) {
                float d = out[oi + j] - mean;
                var += d * d;
            }
            float rstd = (float) (1.0 / Math.sqrt(var / n + eps));
            FloatVector vr = FloatVector.broadcast(S, rstd);
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(S, out, oi + j).sub(vm).mul(vr).fma(FloatVector.fromArray(S, gamma, j),
                        FloatVector.fromArray(S, beta, j)).intoArray(out, oi + j);
            }
            for (int j = nv; j < n; j++) {
                out[oi + j] = (out[oi + j] - mean) * rstd * gamma[j] + beta[j];
            }
        }
    }

    @Override
    public void softmax(float[] v, int off, int ld, int rows, int n, float scale) {
        int nv = S.loopBound(n);
        for (int i = 0; i < rows; i++) {
            int o = off + i * ld;
            FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int j = 0; j < nv; j += L) {
                mx = mx.max(FloatVector.fromArray(S, v, o + j));
            }
            float max = mx.reduceLanes(VectorOperators.MAX);
            for (int j = nv; j < n; j++) {
                max = Math.max(max, v[o + j]);
            }
            // (v - max) * scale as the scalar twin and the tail below: not fma(v, scale, -max * scale),
            // whose rounded max * scale shifts the exponents off zero (far enough to overflow on large rows).
            FloatVector vmax = FloatVector.broadcast(S, max);
            FloatVector vs = FloatVector.broadcast(S, scale);
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < nv; j += L) {
                FloatVector e = FloatVector.fromArray(S, v, o + j).sub(vmax).mul(vs).lanewise(VectorOperators.EXP);
                e.intoArray(v, o + j);
                acc = acc.add(e);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (int j = nv; j < n; j++) {
                float e = (float) Math.exp((v[o + j] - max) * scale);
                v[o + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(S, v, o + j).mul(inv).intoArray(v, o + j);
            }
            for (int j = nv; j < n; j++) {
                v[o + j] *= inv;
            }
        }
    }
}
