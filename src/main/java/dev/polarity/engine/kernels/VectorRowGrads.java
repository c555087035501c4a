package dev.polarity.engine.kernels;

import static dev.polarity.engine.kernels.VectorRows.L;
import static dev.polarity.engine.kernels.VectorRows.LN2_HI;
import static dev.polarity.engine.kernels.VectorRows.LN2_LO;
import static dev.polarity.engine.kernels.VectorRows.LOG2E;
import static dev.polarity.engine.kernels.VectorRows.ROUNDER;
import static dev.polarity.engine.kernels.VectorRows.ROUNDER_BITS;
import static dev.polarity.engine.kernels.VectorRows.S;

import dev.polarity.engine.kernels.Rows.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The backward and training-forward row kernels of {@link VectorRows}, kept apart so each file
 * stays readable; same species, same rules (plain-Java tails from {@link ScalarRows}, no vector
 * passed to a helper or picked by a branch: null masks get loops of their own).
 */
final class VectorRowGrads {
    private static final float INV_SQRT_2PI = (float) ScalarRows.INV_SQRT_2PI;
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    private static final int[] IOTA = new int[L];

    static {
        for (int i = 0; i < L; i++) {
            IOTA[i] = i;
        }
    }

    private VectorRowGrads() {}

    static void activationGrad(float[] g, float[] z, float[] y, int off, int n, Activation act) {
        int end = off + S.loopBound(n);
        switch (act) {
            case NONE -> {
                return;
            }
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (int i = off; i < end; i += L) {
                    FloatVector zv = FloatVector.fromArray(S, z, i);
                    zero.blend(FloatVector.fromArray(S, g, i), zv.compare(VectorOperators.GT, 0f)).intoArray(g, i);
                }
            }
            case GELU -> geluGrad(g, z, y, off, end);
        }
        for (int i = end; i < off + n; i++) {
            g[i] *= ScalarRows.derivative(z[i], y[i], act);
        }
    }

    /**
     * g *= Phi(z) + z phi(z) over [from, end), Phi(z) = y / z. phi's exponential is written out as
     * in {@link VectorRows}'s GELU (see there why and how); its argument -z^2/2 is clamped at -87,
     * where z phi(z) is below 1e-36 either way.
     */
    private static void geluGrad(float[] g, float[] z, float[] y, int from, int end) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        for (int i = from; i < end; i += L) {
            FloatVector zv = FloatVector.fromArray(S, z, i);
            FloatVector q = zv.mul(zv).mul(-0.5f).max(-87f);
            FloatVector shifted = q.fma(LOG2E, ROUNDER);
            FloatVector k = shifted.sub(ROUNDER);
            FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), q);
            r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector e = r.fma(1f / 720, 1f / 120);
            e = e.fma(r, FloatVector.broadcast(S, 1f / 24));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 6));
            e = e.fma(r, half);
            e = e.fma(r, one);
            e = e.fma(r, one);
            FloatVector twoToK = ((IntVector) shifted.reinterpretAsInts()).sub(ROUNDER_BITS - 127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector pdf = e.mul(twoToK).mul(INV_SQRT_2PI);
            FloatVector cdf = FloatVector.fromArray(S, y, i).div(zv)
                    .blend(half, zv.abs().compare(VectorOperators.LT, ScalarRows.GELU_Z0));
            FloatVector.fromArray(S, g, i).mul(zv.fma(pdf, cdf)).intoArray(g, i);
        }
    }

    static void layerNormTraining(float[] x, int xOff, float[] residual, int resOff, int rows, int n, float[] gamma,
                                  float[] beta, float eps, float[] y, float[] xhat, int outOff, float[] rstd, int rstdOff) {
        int nv = S.loopBound(n);
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * n;
            int ri = resOff + i * n;
            int o = outOff + i * n;
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(S, x, xi + j).add(FloatVector.fromArray(S, residual, ri + j)).intoArray(xhat, o + j);
            }
            for (int j = nv; j < n; j++) {
                xhat[o + j] = x[xi + j] + residual[ri + j];
            }
            float mean = VectorRows.mean(xhat, o, n);
            float rs = VectorRows.rstd(xhat, o, n, mean, eps);
            FloatVector vm = FloatVector.broadcast(S, mean);
            rstd[rstdOff + i] = rs;
            for (int j = 0; j < nv; j += L) {
                FloatVector h = FloatVector.fromArray(S, xhat, o + j).sub(vm).mul(rs);
                h.intoArray(xhat, o + j);
                h.fma(FloatVector.fromArray(S, gamma, j), FloatVector.fromArray(S, beta, j)).intoArray(y, o + j);
            }
            for (int j = nv; j < n; j++) {
                float h = (xhat[o + j] - mean) * rs;
                xhat[o + j] = h;
                y[o + j] = h * gamma[j] + beta[j];
            }
        }
    }

    static void layerNormBackward(float[] g, float[] xhat, int off, float[] rstd, int rstdOff, int rows, int n,
                                  float[] gamma, float[] gx, float[] gammaAcc, float[] betaAcc) {
        int nv = S.loopBound(n);
        for (int i = 0; i < rows; i++) {
            int o = off + i * n;
            FloatVector va = FloatVector.zero(S);
            FloatVector vb = FloatVector.zero(S);
            for (int j = 0; j < nv; j += L) {
                FloatVector gv = FloatVector.fromArray(S, g, o + j);
                FloatVector xh = FloatVector.fromArray(S, xhat, o + j);
                FloatVector gh = gv.mul(FloatVector.fromArray(S, gamma, j));
                va = va.add(gh);
                vb = gh.fma(xh, vb);
                gv.fma(xh, FloatVector.fromArray(S, gammaAcc, j)).intoArray(gammaAcc, j);
                gv.add(FloatVector.fromArray(S, betaAcc, j)).intoArray(betaAcc, j);
            }
            float a = va.reduceLanes(VectorOperators.ADD);
            float b = vb.reduceLanes(VectorOperators.ADD);
            for (int j = nv; j < n; j++) {
                float gh = g[o + j] * gamma[j];
                a += gh;
                b += gh * xhat[o + j];
                gammaAcc[j] += g[o + j] * xhat[o + j];
                betaAcc[j] += g[o + j];
            }
            a /= n;
            b /= n;
            float rs = rstd[rstdOff + i];
            FloatVector vma = FloatVector.broadcast(S, -a);
            FloatVector vmb = FloatVector.broadcast(S, -b);
            for (int j = 0; j < nv; j += L) {
                FloatVector gh = FloatVector.fromArray(S, g, o + j).mul(FloatVector.fromArray(S, gamma, j));
                FloatVector.fromArray(S, xhat, o + j).fma(vmb, gh.add(vma)).mul(rs).intoArray(gx, o + j);
            }
            for (int j = nv; j < n; j++) {
                gx[o + j] = rs * (g[o + j] * gamma[j] - a - xhat[o + j] * b);
            }
        }
    }

    static void softmaxBackward(float[] dp, int dpOff, float[] p, float[] mask, int pOff, int rows, int n, float scale) {
        int nv = S.loopBound(n);
        for (int i = 0; i < rows; i++) {
            int d = dpOff + i * n;
            int o = pOff + i * n;
            FloatVector acc = FloatVector.zero(S);
            if (mask != null) {
                for (int j = 0; j < nv; j += L) {
                    FloatVector v = FloatVector.fromArray(S, dp, d + j).mul(FloatVector.fromArray(S, mask, o + j));
                    v.intoArray(dp, d + j);
                    acc = v.fma(FloatVector.fromArray(S, p, o + j), acc);
                }
            } else {
                for (int j = 0; j < nv; j += L) {
                    acc = FloatVector.fromArray(S, dp, d + j).fma(FloatVector.fromArray(S, p, o + j), acc);
                }
            }
            float dot = acc.reduceLanes(VectorOperators.ADD);
            for (int j = nv; j < n; j++) {
                if (mask != null) {
                    dp[d + j] *= mask[o + j];
                }
                dot += dp[d + j] * p[o + j];
            }
            FloatVector vdot = FloatVector.broadcast(S, dot);
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(S, dp, d + j).sub(vdot).mul(FloatVector.fromArray(S, p, o + j)).mul(scale)
                        .intoArray(dp, d + j);
            }
            for (int j = nv; j < n; j++) {
                dp[d + j] = p[o + j] * (dp[d + j] - dot) * scale;
            }
        }
    }

    /** {@link ScalarRows#uniform} on L counters at once, written out (see the class comment). */
    static void dropoutMask(float[] mask, int off, int n, long seed, int index0, float p) {
        float keep = 1f / (1f - p);
        int lo = (int) seed;
        int hi = ScalarRows.secondKey(seed);
        FloatVector vkeep = FloatVector.broadcast(S, keep);
        FloatVector one = FloatVector.broadcast(S, 1f);
        IntVector iota = IntVector.fromArray(IS, IOTA, 0);
        int nv = S.loopBound(n);
        for (int i = 0; i < nv; i += L) {
            IntVector x = iota.add(index0 + i + lo);
            x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
            x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
            x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).lanewise(VectorOperators.XOR, hi);
            x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16)).mul(0x7feb352d);
            x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 15)).mul(0x846ca68b);
            x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 16));
            FloatVector u = x.lanewise(VectorOperators.LSHR, 9).or(0x3f800000).reinterpretAsFloats().sub(one);
            vkeep.blend(0f, u.compare(VectorOperators.LT, p)).intoArray(mask, off + i);
        }
        for (int i = nv; i < n; i++) {
            mask[off + i] = ScalarRows.uniform(seed, index0 + i) < p ? 0f : keep;
        }
    }
}
