package dev.polarity.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The jdk.incubator.vector twin of {@link ScalarRows}; loaded by name through {@link VectorSupport}.
 * Same single species as {@link VectorGemm} (see there why one). Loops end in plain
 * Java for the last n % L elements rather than masked vectors, which JDK 17 runs slowly. No vector
 * is ever picked by a branch (C2 would box it): null bias or residual get loops of their own.
 */
final class VectorRows implements Rows {
    static final VectorSpecies<Float> S = VectorGemm.S;
    static final int L = S.length();
    private static final float INV_SQRT2 = 0.70710678f;
    static final float LOG2E = 1.44269504f;
    // ln 2 = LN2_HI + LN2_LO; LN2_HI ends in 9 zero bits, so n * LN2_HI is exact for |n| < 512.
    static final float LN2_HI = 0.693145752f;
    static final float LN2_LO = 1.42860677e-6f;
    static final float ROUNDER = 12582912f; // 1.5 * 2^23: adding it rounds to an integer held in the low bits
    static final int ROUNDER_BITS = 0x4B400000;

    /**
     * One loop per activation, with the bias added in a pass of its own. No helper here takes or
     * returns a vector: C2 does not inline a method this large, and a vector passed across a call
     * (or picked by a branch) is boxed. Both cost JDK 17 more than the arithmetic: the bias add ran
     * 14x and GELU 2.3x slower written that way.
     */
    @Override
    public void biasActivation(float[] c, int cOff, int ldc, int rows, int cols, float[] bias, int biasOff, Activation act) {
        int cv = S.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int ci = cOff + i * ldc;
            if (bias != null) {
                for (int j = 0; j < cv; j += L) {
                    FloatVector.fromArray(S, c, ci + j).add(FloatVector.fromArray(S, bias, biasOff + j)).intoArray(c, ci + j);
                }
            }
            switch (act) {
                case NONE -> { }
                case RELU -> {
                    for (int j = 0; j < cv; j += L) {
                        FloatVector.fromArray(S, c, ci + j).max(0f).intoArray(c, ci + j);
                    }
                }
                case GELU -> gelu(c, ci, cv);
            }
            for (int j = cv; j < cols; j++) {
                c[ci + j] = ScalarRows.activate(c[ci + j] + (bias == null ? 0f : bias[biasOff + j]), act);
            }
        }
    }

    /**
     * In place over [ci, ci + cv): 0.5 x (1 + erf(x / sqrt 2)) with the same Chebyshev-fitted erfc
     * as {@link MathFns#erf} (fractional error below 1.2e-7), in float.
     *
     * <p>The exponential is written out rather than the library's lanewise EXP, which calls out of
     * line (this loop ran 1.2x slower with it on JDK 17): x = n ln 2 + r with |r| <= ln 2 / 2, n
     * rounded by adding 1.5 * 2^23 (whose low bits then hold n), e^r by its Taylor series to r^6
     * (relative error below 2e-7), 2^n built in the exponent bits. Its argument, -z^2 + P(t), is
     * clamped below at -87, where e^x would leave the normal floats: erfc is then below 1e-38
     * either way, and GELU exactly 0 or x to float precision.
     */
    private static void gelu(float[] c, int ci, int cv) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < cv; j += L) {
            FloatVector x = FloatVector.fromArray(S, c, ci + j);
            FloatVector u = x.mul(INV_SQRT2);
            FloatVector z = u.abs();
            FloatVector t = one.div(z.fma(0.5f, 1f));
            FloatVector p = t.fma(0.17087277f, -0.82215223f);
            p = p.fma(t, FloatVector.broadcast(S, 1.48851587f));
            p = p.fma(t, FloatVector.broadcast(S, -1.13520398f));
            p = p.fma(t, FloatVector.broadcast(S, 0.27886807f));
            p = p.fma(t, FloatVector.broadcast(S, -0.18628806f));
            p = p.fma(t, FloatVector.broadcast(S, 0.09678418f));
            p = p.fma(t, FloatVector.broadcast(S, 0.37409196f));
            p = p.fma(t, FloatVector.broadcast(S, 1.00002368f));
            p = p.fma(t, FloatVector.broadcast(S, -1.26551223f));
            FloatVector q = z.mul(z).neg().add(p).max(-87f);
            // e^q
            FloatVector shifted = q.fma(LOG2E, ROUNDER);
            FloatVector n = shifted.sub(ROUNDER);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), q);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector e = r.fma(1f / 720, 1f / 120);
            e = e.fma(r, FloatVector.broadcast(S, 1f / 24));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 6));
            e = e.fma(r, FloatVector.broadcast(S, 0.5f));
            e = e.fma(r, one);
            e = e.fma(r, one);
            FloatVector twoToN = ((IntVector) shifted.reinterpretAsInts()).sub(ROUNDER_BITS - 127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector erfc = t.mul(e.mul(twoToN)); // erfc(|u|)
            // erf(u) = 1 - erfc for u >= 0, erfc - 1 below; so 1 + erf(u) = 2 - erfc or erfc.
            FloatVector onePlusErf = erfc.neg().add(2f).blend(erfc, u.compare(VectorOperators.LT, 0f));
            x.mul(0.5f).mul(onePlusErf).intoArray(c, ci + j);
        }
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
            float mean = mean(out, oi, n);
            float rstd = rstd(out, oi, n, mean, eps);
            FloatVector vm = FloatVector.broadcast(S, mean);
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

    /** The mean of v[o, o + n). */
    static float mean(float[] v, int o, int n) {
        int nv = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < nv; j += L) {
            acc = acc.add(FloatVector.fromArray(S, v, o + j));
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int j = nv; j < n; j++) {
            sum += v[o + j];
        }
        return sum / n;
    }

    /** 1 / sqrt(variance + eps) of v[o, o + n), around its mean: a second pass, so large means cancel nothing. */
    static float rstd(float[] v, int o, int n, float mean, float eps) {
        int nv = S.loopBound(n);
        FloatVector vm = FloatVector.broadcast(S, mean);
        FloatVector sq = FloatVector.zero(S);
        for (int j = 0; j < nv; j += L) {
            FloatVector d = FloatVector.fromArray(S, v, o + j).sub(vm);
            sq = d.fma(d, sq);
        }
        float var = sq.reduceLanes(VectorOperators.ADD);
        for (int j = nv; j < n; j++) {
            float d = v[o + j] - mean;
            var += d * d;
        }
        return (float) (1.0 / Math.sqrt(var / n + eps));
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

    @Override
    public void activationGrad(float[] g, float[] z, float[] y, int off, int n, Activation act) {
        VectorRowGrads.activationGrad(g, z, y, off, n, act);
    }

    @Override
    public void layerNormTraining(float[] x, int xOff, float[] residual, int resOff, int rows, int n, float[] gamma,
                                  float[] beta, float eps, float[] y, float[] xhat, int outOff, float[] rstd, int rstdOff) {
        VectorRowGrads.layerNormTraining(x, xOff, residual, resOff, rows, n, gamma, beta, eps, y, xhat, outOff, rstd, rstdOff);
    }

    @Override
    public void layerNormBackward(float[] g, float[] xhat, int off, float[] rstd, int rstdOff, int rows, int n,
                                  float[] gamma, float[] gx, float[] gammaAcc, float[] betaAcc) {
        VectorRowGrads.layerNormBackward(g, xhat, off, rstd, rstdOff, rows, n, gamma, gx, gammaAcc, betaAcc);
    }

    @Override
    public void softmaxBackward(float[] dp, int dpOff, float[] p, float[] mask, int pOff, int rows, int n, float scale) {
        VectorRowGrads.softmaxBackward(dp, dpOff, p, mask, pOff, rows, n, scale);
    }

    @Override
    public void dropoutMask(float[] mask, int off, int n, long seed, int index0, float p) {
        VectorRowGrads.dropoutMask(mask, off, n, seed, index0, p);
    }
}
