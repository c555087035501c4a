package dev.polarity.engine.kernels;

/** The plain-Java twin of {@link VectorUpdates}. */
final class ScalarUpdates implements Updates {
    @Override
    public void adamW(float[] w, int wOff, float[] g, int gOff, float[] m, float[] v, int mOff, int n,
                      float beta1, float beta2, float c1, float c2, float rate, float shrink, float eps) {
        float a1 = 1f - beta1;
        float a2 = 1f - beta2;
        for (int i = 0; i < n; i++) {
            int k = mOff + i;
            float d = g[gOff + i];
            m[k] = beta1 * m[k] + a1 * d;
            v[k] = beta2 * v[k] + a2 * d * d;
            float mhat = m[k] / c1;
            float vhat = v[k] / c2;
            w[wOff + i] = w[wOff + i] * shrink - rate * mhat / ((float) Math.sqrt(vhat) + eps);
        }
    }
}
