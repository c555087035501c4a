package dev.polarity.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The jdk.incubator.vector twin of {@link ScalarUpdates}; loaded by name through {@link VectorSupport}.
 * No fused multiply-adds: each lane rounds as the scalar loop does (float sqrt is correctly rounded
 * both ways), so the two agree bit for bit.
 */
final class VectorUpdates implements Updates {
    private static final VectorSpecies<Float> S = VectorRows.S;
    private static final int L = S.length();

    @Override
    public void adamW(float[] w, int wOff, float[] g, int gOff, float[] m, float[] v, int mOff, int n,
                      float beta1, float beta2, float c1, float c2, float rate, float shrink, float eps) {
        float a1 = 1f - beta1;
        float a2 = 1f - beta2;
        int nv = S.loopBound(n);
        for (int i = 0; i < nv; i += L) {
            int k = mOff + i;
            FloatVector d = FloatVector.fromArray(S, g, gOff + i);
            FloatVector mk = FloatVector.fromArray(S, m, k).mul(beta1).add(d.mul(a1));
            FloatVector vk = FloatVector.fromArray(S, v, k).mul(beta2).add(d.mul(a2).mul(d));
            mk.intoArray(m, k);
            vk.intoArray(v, k);
            FloatVector step = mk.div(c1).mul(rate).div(vk.div(c2).sqrt().add(eps));
            FloatVector.fromArray(S, w, wOff + i).mul(shrink).sub(step).intoArray(w, wOff + i);
        }
        if (nv < n) {
            Updates.SCALAR.adamW(w, wOff + nv, g, gOff + nv, m, v, mOff + nv, n - nv, beta1, beta2, c1, c2, rate, shrink, eps);
        }
    }
}
