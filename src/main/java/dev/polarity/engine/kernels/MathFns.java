package dev.polarity.engine.kernels;

/** Scalar special functions the JDK lacks. */
public final class MathFns {
    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    private MathFns() {}

    /**
     * erf(x) from the Chebyshev-fitted erfc of Numerical Recipes (fractional error below 1.2e-7),
     * in double: enough for float32 results that match exact-erf GELU to about 1e-7.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }

    /** GELU with the exact erf, as BERT uses it (not the tanh approximation). */
    public static float gelu(float x) {
        return (float) (0.5 * x * (1.0 + erf(x * INV_SQRT2)));
    }

    public static float geluGrad(float x) {
        double cdf = 0.5 * (1.0 + erf(x * INV_SQRT2));
        double pdf = INV_SQRT_2PI * Math.exp(-0.5 * (double) x * x);
        return (float) (cdf + x * pdf);
    }
}
