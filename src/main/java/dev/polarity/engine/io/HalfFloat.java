package dev.polarity.engine.io;

/**
 * Conversions between float32 and the two 16-bit storage formats. Java 17 has no
 * Float.float16ToFloat, so IEEE half precision is done by hand. Narrowing rounds to nearest,
 * ties to even (what numpy and PyTorch do), and keeps NaN a NaN.
 */
final class HalfFloat {
    /** Every half decoded once (256 KiB): reading a big F16 file becomes a table lookup per value. */
    private static final float[] HALF_TO_FLOAT = new float[1 << 16];

    static {
        for (int h = 0; h < HALF_TO_FLOAT.length; h++) {
            HALF_TO_FLOAT[h] = decodeHalf(h);
        }
    }

    private HalfFloat() {
    }

    static float halfToFloat(short h) {
        return HALF_TO_FLOAT[h & 0xffff];
    }

    private static float decodeHalf(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float32.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            // Inf (mant == 0) or NaN; the payload moves to the top of the float mantissa.
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            // Keep NaN a NaN: force the quiet bit so a payload living only in the low bits
            // cannot truncate to zero and turn the NaN into an infinity.
            return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15; // the half exponent field, before range checks
        if (e >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (e <= 0) {
            // Half subnormal (or underflow to zero). Below 2^-25 everything rounds to zero;
            // float subnormals (exp == 0) land here too and vanish, as they should.
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000; // restore the implicit leading one
            return (short) (sign | roundShift(m, 14 - e));
        }
        // Normal. A round-up carry ripples into the exponent, and from 0x7bff into 0x7c00 (inf),
        // which is exactly the IEEE result for values at or above 65520.
        return (short) (sign | roundShift((e << 23) | mant, 13));
    }

    /** value >>> shift, rounded to nearest with ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }

    static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            // NaN: truncate, but set the quiet bit so the result cannot collapse to infinity.
            return (short) ((bits >>> 16) | 0x40);
        }
        // Rounding to nearest even on the low 16 bits; overflow carries into inf, as IEEE wants.
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
