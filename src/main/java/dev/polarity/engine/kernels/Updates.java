package dev.polarity.engine.kernels;

/**
 * Element-wise optimizer updates over a range of a parameter, so an optimizer can split a large
 * tensor over the kernel pool. {@link #scalar()} is the reference; {@link #best()} the
 * jdk.incubator.vector twin when present, doing the same float operations in the same order.
 */
public interface Updates {
    /**
     * AdamW on elements [0, n) of w (from wOff), g (from gOff) and the moments m, v (from mOff):
     * m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
     * w = w shrink - rate (m / c1) / (sqrt(v / c2) + eps), where c1 and c2 are the bias corrections
     * and shrink = 1 - rate * weight decay.
     */
    void adamW(float[] w, int wOff, float[] g, int gOff, float[] m, float[] v, int mOff, int n,
               float beta1, float beta2, float c1, float c2, float rate, float shrink, float eps);

    Updates SCALAR = new ScalarUpdates();
    Updates VECTOR = VectorSupport.load("dev.polarity.engine.kernels.VectorUpdates", Updates.class);

    static Updates scalar() {
        return SCALAR;
    }

    static Updates best() {
        return VECTOR != null && VectorSupport.enabled() ? VECTOR : SCALAR;
    }
}
