package org.ckptinspector.values;

import org.ckptinspector.model.DType;

/**
 * Decoding tables for the floating-point formats narrower than float32: float16 (from {@link FloatBits}, the one
 * float16 decoder), bfloat16, the float8 family and the 4-bit e2m1 format. Every table is derived from the
 * format's exponent/mantissa layout and special-value rules, and the tests compare all codes against what real
 * torch decodes.
 *
 * <ul>
 *   <li>float16, e5m2: IEEE-like; exponent all ones is ±Inf (mantissa 0) or NaN.</li>
 *   <li>e4m3fn ("finite"): no Inf; only S.1111.111 is NaN, so the largest value is 448.</li>
 *   <li>e4m3fnuz, e5m2fnuz ("finite, unsigned zero"): no Inf, no −0; the code 0x80 is the only NaN; the bias is
 *       one larger than the IEEE-like formats (8 and 16).</li>
 *   <li>e8m0fnu: exponent only, 2^(code − 127); 0xFF is NaN; no zero, no sign.</li>
 *   <li>e2m1 (float4): bias 1, no Inf or NaN; code 1 (0.5) is the only subnormal.</li>
 * </ul>
 */
public final class MiniFloats {
    private static final float[] FLOAT16 = new float[1 << 16];
    private static final double[] E4M3FN = table(4, 3, 7, Specials.FN);
    private static final double[] E5M2 = table(5, 2, 15, Specials.IEEE);
    private static final double[] E4M3FNUZ = table(4, 3, 8, Specials.FNUZ);
    private static final double[] E5M2FNUZ = table(5, 2, 16, Specials.FNUZ);
    private static final double[] E8M0FNU = new double[256];
    private static final double[] E2M1 = new double[16];

    static {
        for (int code = 0; code < FLOAT16.length; code++) {
            FLOAT16[code] = Float.intBitsToFloat(FloatBits.f16ToF32((short) code));
        }
        for (int code = 0; code < 256; code++) {
            E8M0FNU[code] = code == 0xFF ? Double.NaN : Math.scalb(1.0, code - 127);
        }
        for (int code = 0; code < 16; code++) {
            E2M1[code] = minifloat(code, 2, 1, 1, Specials.NONE);
        }
    }

    /** How a format spends its top codes. */
    private enum Specials { IEEE, FN, FNUZ, NONE }

    private MiniFloats() {}

    /** The value of one code of a float dtype narrower than 32 bits; for float4_e2m1fn_x2, one 4-bit code. */
    public static double decode(DType dtype, int code) {
        switch (dtype) {
            case FLOAT16:
                return FLOAT16[code & 0xFFFF];
            case BFLOAT16:
                return Float.intBitsToFloat((code & 0xFFFF) << 16);
            case FLOAT4_E2M1FN_X2:
                return E2M1[code & 0xF];
            default:
                return table8(dtype)[code & 0xFF];
        }
    }

    /** The 65 536-entry float16 table, indexed by the raw 16-bit pattern. Callers must not modify it. */
    static float[] float16Table() {
        return FLOAT16;
    }

    /** The 16-entry e2m1 table. Callers must not modify it. */
    static double[] e2m1Table() {
        return E2M1;
    }

    /** The 256-entry table of a float8 dtype. Callers must not modify it. */
    static double[] table8(DType dtype) {
        switch (dtype) {
            case FLOAT8_E4M3FN:
                return E4M3FN;
            case FLOAT8_E5M2:
                return E5M2;
            case FLOAT8_E4M3FNUZ:
                return E4M3FNUZ;
            case FLOAT8_E5M2FNUZ:
                return E5M2FNUZ;
            case FLOAT8_E8M0FNU:
                return E8M0FNU;
            default:
                throw new IllegalArgumentException(dtype + " is not a float8 dtype");
        }
    }

    private static double[] table(int expBits, int mantBits, int bias, Specials specials) {
        double[] t = new double[1 << (1 + expBits + mantBits)];
        for (int code = 0; code < t.length; code++) {
            t[code] = minifloat(code, expBits, mantBits, bias, specials);
        }
        return t;
    }

    private static double minifloat(int code, int expBits, int mantBits, int bias, Specials specials) {
        int signBit = 1 << (expBits + mantBits);
        boolean negative = (code & signBit) != 0;
        int exp = (code >> mantBits) & ((1 << expBits) - 1);
        int mant = code & ((1 << mantBits) - 1);
        int maxExp = (1 << expBits) - 1;
        if (specials == Specials.FNUZ && code == signBit) {
            return Double.NaN;
        }
        if (specials == Specials.IEEE && exp == maxExp) {
            return mant == 0 ? (negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.NaN;
        }
        if (specials == Specials.FN && exp == maxExp && mant == (1 << mantBits) - 1) {
            return Double.NaN;
        }
        double magnitude = exp == 0
                ? Math.scalb((double) mant, 1 - bias - mantBits)
                : Math.scalb((double) ((1 << mantBits) | mant), exp - bias - mantBits);
        return negative ? -magnitude : magnitude;
    }
}
