package org.ckptinspector.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * IEEE 754 facts about float16/bfloat16 rounding (the bit-exact comparison with torch itself is in
 * ExportRoundTripTest's conversion jobs).
 */
class FloatBitsTest {

    private static short h(float f) {
        return FloatBits.f32ToF16(Float.floatToRawIntBits(f));
    }

    private static short b(float f) {
        return FloatBits.f32ToBf16(Float.floatToRawIntBits(f));
    }

    @Test
    void float16RoundsToNearestEvenWithOverflowAndSubnormals() {
        assertEquals((short) 0x3C00, h(1.0f));
        assertEquals((short) 0xC000, h(-2.0f));
        assertEquals((short) 0x7BFF, h(65504f), "largest finite float16");
        assertEquals((short) 0x7BFF, h(65519.996f), "just below the tie rounds down");
        assertEquals((short) 0x7C00, h(65520f), "the tie with Inf rounds to even, which is Inf");
        assertEquals((short) 0x7C00, h(1e10f));
        assertEquals((short) 0xFC00, h(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x0001, h(0x1p-24f), "smallest subnormal");
        assertEquals((short) 0x0000, h(0x1p-25f), "half the smallest subnormal ties to even zero");
        assertEquals((short) 0x0001, h(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x0002, h(0x1.8p-24f), "1.5 subnormal steps tie to the even 2");
        assertEquals((short) 0x0002, h(0x1.4p-23f), "2.5 subnormal steps tie to the even 2");
        assertEquals((short) 0x0003, h(0x1.8p-23f), "3 steps are exact");
        assertEquals((short) 0x0400, h(0x1p-14f), "smallest normal");
        assertEquals((short) 0x0400, h(Math.nextDown(0x1p-14f)), "rounds up from the subnormal range");
        assertEquals((short) 0x8000, h(-0f));
        assertEquals((short) 0x8000, h(-Float.MIN_VALUE), "float32 subnormals underflow to signed zero");
        assertEquals((short) 0x3C00, h(1 + 0x1p-11f), "tie between 1 and 1+2^-10 rounds to the even 1");
        assertEquals((short) 0x3C02, h(1 + 3 * 0x1p-11f), "tie rounds up to the even 1+2^-9");
    }

    @Test
    void bfloat16RoundsToNearestEvenAndNaNBecomesFFFF() {
        assertEquals((short) 0x3F80, b(1.0f));
        assertEquals((short) 0x3F80, b(Float.intBitsToFloat(0x3F80_8000)), "tie to even (down)");
        assertEquals((short) 0x3F82, b(Float.intBitsToFloat(0x3F81_8000)), "tie to even (up)");
        assertEquals((short) 0x3F81, b(Float.intBitsToFloat(0x3F80_8001)));
        assertEquals((short) 0x7F80, b(Float.MAX_VALUE), "rounds past the largest bfloat16 to Inf");
        assertEquals((short) 0xFFFF, FloatBits.f32ToBf16(0x7FC0_0000));
        assertEquals((short) 0xFFFF, FloatBits.f32ToBf16(0xFF80_0001));
    }

    @Test
    void widenedValuesNarrowBackToThemselves() {
        for (int i = 0; i < 65536; i++) {
            short x = (short) i;
            boolean nan16 = (i & 0x7FFF) > 0x7C00;
            if (!nan16) {
                assertEquals(x, FloatBits.f32ToF16(FloatBits.f16ToF32(x)), Integer.toHexString(i));
                float f = Float.intBitsToFloat(FloatBits.f16ToF32(x));
                assertEquals(x, h(f));
            } else {
                assertTrue(Float.isNaN(Float.intBitsToFloat(FloatBits.f16ToF32(x))));
            }
            boolean nanBf = (i & 0x7FFF) > 0x7F80;
            if (!nanBf) {
                assertEquals(x, FloatBits.f32ToBf16(FloatBits.bf16ToF32(x)), Integer.toHexString(i));
            }
        }
    }

    @Test
    void float16WidensExactly() {
        assertEquals(Float.floatToRawIntBits(0x1p-24f), FloatBits.f16ToF32((short) 0x0001));
        assertEquals(Float.floatToRawIntBits(0x1.ff8p-15f), FloatBits.f16ToF32((short) 0x03FF));
        assertEquals(Float.floatToRawIntBits(65504f), FloatBits.f16ToF32((short) 0x7BFF));
        assertEquals(0x7FC0_2000, FloatBits.f16ToF32((short) 0x7C01), "signalling NaN is quietened");
    }
}
