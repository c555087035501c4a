package dev.polarity.engine.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 16-bit conversions checked against IEEE 754 itself rather than against our own writer:
 * every half value decodes and re-encodes to itself, and every midpoint between neighbours
 * rounds to the even one.
 */
class HalfFloatTest {

    private static short h(int bits) {
        return (short) bits;
    }

    @Test
    void decodesHalfSpecialValues() {
        assertThat(HalfFloat.halfToFloat(h(0x0000))).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(HalfFloat.halfToFloat(h(0x8000)))).isEqualTo(0x80000000);
        assertThat(HalfFloat.halfToFloat(h(0x3c00))).isEqualTo(1f);
        assertThat(HalfFloat.halfToFloat(h(0xc000))).isEqualTo(-2f);
        assertThat(HalfFloat.halfToFloat(h(0x7bff))).isEqualTo(65504f);
        assertThat(HalfFloat.halfToFloat(h(0x0001))).isEqualTo(0x1p-24f);
        assertThat(HalfFloat.halfToFloat(h(0x03ff))).isEqualTo(1023 * 0x1p-24f);
        assertThat(HalfFloat.halfToFloat(h(0x0400))).isEqualTo(0x1p-14f);
        assertThat(HalfFloat.halfToFloat(h(0x7c00))).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloat.halfToFloat(h(0xfc00))).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(HalfFloat.halfToFloat(h(0x7e00))).isNaN();
        assertThat(HalfFloat.halfToFloat(h(0x7c01))).isNaN();
        assertThat(HalfFloat.halfToFloat(h(0x3555))).isEqualTo(0.33325195f);
    }

    @Test
    void encodesHalfSpecialValues() {
        assertThat(HalfFloat.floatToHalf(0f)).isEqualTo(h(0x0000));
        assertThat(HalfFloat.floatToHalf(-0f)).isEqualTo(h(0x8000));
        assertThat(HalfFloat.floatToHalf(65504f)).isEqualTo(h(0x7bff));
        assertThat(HalfFloat.floatToHalf(-65504f)).isEqualTo(h(0xfbff));
        assertThat(HalfFloat.floatToHalf(65519.996f)).isEqualTo(h(0x7bff)); // just below the inf threshold
        assertThat(HalfFloat.floatToHalf(65520f)).isEqualTo(h(0x7c00)); // tie between max and "65536": even is inf
        assertThat(HalfFloat.floatToHalf(1e10f)).isEqualTo(h(0x7c00));
        assertThat(HalfFloat.floatToHalf(Float.MAX_VALUE)).isEqualTo(h(0x7c00));
        assertThat(HalfFloat.floatToHalf(Float.NEGATIVE_INFINITY)).isEqualTo(h(0xfc00));
        assertThat(HalfFloat.floatToHalf(0x1p-24f)).isEqualTo(h(0x0001));
        assertThat(HalfFloat.floatToHalf(0x1p-25f)).isEqualTo(h(0x0000)); // tie to even: zero
        assertThat(HalfFloat.floatToHalf(Math.nextUp(0x1p-25f))).isEqualTo(h(0x0001));
        assertThat(HalfFloat.floatToHalf(-0x1p-26f)).isEqualTo(h(0x8000)); // underflow keeps the sign
        assertThat(HalfFloat.floatToHalf(Float.MIN_VALUE)).isEqualTo(h(0x0000));
        assertThat(HalfFloat.floatToHalf(1023.5f * 0x1p-24f)).isEqualTo(h(0x0400)); // subnormal rounds up to normal
    }

    @Test
    void nanStaysNanIncludingLowPayloads() {
        assertThat(HalfFloat.halfToFloat(HalfFloat.floatToHalf(Float.NaN))).isNaN();
        // Payload only in bits a naive truncation drops: must not become infinity.
        float lowNan = Float.intBitsToFloat(0x7f800001);
        assertThat(HalfFloat.halfToFloat(HalfFloat.floatToHalf(lowNan))).isNaN();
        assertThat(HalfFloat.bf16ToFloat(HalfFloat.floatToBf16(lowNan))).isNaN();
        assertThat(HalfFloat.bf16ToFloat(HalfFloat.floatToBf16(Float.intBitsToFloat(0xffc00000)))).isNaN();
    }

    @Test
    void everyHalfRoundTripsThroughFloat() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            float f = HalfFloat.halfToFloat(h(bits));
            if (Float.isNaN(f)) {
                assertThat(HalfFloat.halfToFloat(HalfFloat.floatToHalf(f))).isNaN();
            } else {
                assertThat(HalfFloat.floatToHalf(f) & 0xffff).as("half 0x%04x", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    void midpointsBetweenHalvesRoundToEvenAndNeighboursRoundToNearest() {
        // Positive finite halves 0x0000..0x7bff; midpoints are exact in float32.
        for (int lo = 0; lo < 0x7bff; lo++) {
            float a = HalfFloat.halfToFloat(h(lo));
            float b = HalfFloat.halfToFloat(h(lo + 1));
            float mid = (a + b) / 2;
            int even = (lo & 1) == 0 ? lo : lo + 1;
            assertThat(HalfFloat.floatToHalf(mid) & 0xffff).as("midpoint above 0x%04x", lo).isEqualTo(even);
            assertThat(HalfFloat.floatToHalf(Math.nextDown(mid)) & 0xffff).isEqualTo(lo);
            assertThat(HalfFloat.floatToHalf(Math.nextUp(mid)) & 0xffff).isEqualTo(lo + 1);
            assertThat(HalfFloat.floatToHalf(-mid) & 0xffff).isEqualTo(even | 0x8000);
        }
    }

    @Test
    void bf16IsTheUpperHalfOfFloat32() {
        assertThat(HalfFloat.bf16ToFloat(h(0x3f80))).isEqualTo(1f);
        assertThat(HalfFloat.bf16ToFloat(h(0xc000))).isEqualTo(-2f);
        assertThat(HalfFloat.bf16ToFloat(h(0x7f80))).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloat.bf16ToFloat(h(0x0001))).isEqualTo(Float.intBitsToFloat(0x00010000)); // subnormal
        assertThat(HalfFloat.floatToBf16(-0f)).isEqualTo(h(0x8000));
        assertThat(HalfFloat.floatToBf16(Float.MAX_VALUE)).isEqualTo(h(0x7f80)); // rounds past bf16 max
        assertThat(HalfFloat.floatToBf16(Float.intBitsToFloat(0x7f7f7fff))).isEqualTo(h(0x7f7f)); // bf16 max
        assertThat(HalfFloat.floatToBf16(Float.intBitsToFloat(0x3f808000))).isEqualTo(h(0x3f80)); // tie, even down
        assertThat(HalfFloat.floatToBf16(Float.intBitsToFloat(0x3f818000))).isEqualTo(h(0x3f82)); // tie, even up
        assertThat(HalfFloat.floatToBf16(Float.intBitsToFloat(0x3f808001))).isEqualTo(h(0x3f81));
        assertThat(HalfFloat.floatToBf16(Float.intBitsToFloat(0x00008000))).isEqualTo(h(0x0000)); // subnormal tie
    }

    @Test
    void everyBf16RoundTripsAndRandomFloatsLandWithinHalfAnUlp() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            float f = HalfFloat.bf16ToFloat(h(bits));
            if (!Float.isNaN(f)) {
                assertThat(HalfFloat.floatToBf16(f) & 0xffff).isEqualTo(bits);
            }
        }
        Random rng = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            float x = Float.intBitsToFloat(rng.nextInt() & 0x7f7fffff); // finite, positive, below bf16 max
            float y = HalfFloat.bf16ToFloat(HalfFloat.floatToBf16(x));
            float ulp = Math.ulp(y) * 65536; // bf16 ulp at y's exponent
            assertThat(Math.abs(y - x)).isLessThanOrEqualTo(ulp / 2);
        }
    }
}
