package org.ckptinspector.values;

/**
 * Bit-exact conversions between float32, float16 and bfloat16, rounding to nearest even as torch 2.x does on
 * x86 CPUs. NaN handling follows torch's vectorised CPU kernels, which are what {@code tensor.to(dtype)} runs
 * for whole tensors: float32→float16 keeps the sign and the top payload bits and sets the quiet bit (as F16C's
 * {@code vcvtps2ph}); float32→bfloat16 turns every NaN into {@code 0xFFFF}; float16→bfloat16 turns every NaN
 * into {@code 0x7FC0}. torch 1.13 differs only for NaN payloads (it writes {@code 0x7E00} with the sign).
 */
public final class FloatBits {
    private FloatBits() {}

    /** float32 bits to float16 bits, round to nearest even; overflow becomes ±Inf, underflow ±0 or subnormal. */
    public static short f32ToF16(int f) {
        int sign = (f >>> 16) & 0x8000;
        int exp = (f >>> 23) & 0xFF;
        int mant = f & 0x7F_FFFF;
        if (exp == 0xFF) {
            return (short) (mant == 0 ? sign | 0x7C00 : sign | 0x7E00 | (mant >>> 13));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            int significand = mant | 0x80_0000;
            int shift = 14 - e;
            return (short) (sign | roundShift(significand, shift));
        }
        // Rounding may carry into the exponent, and from the largest finite value into Inf: both are right.
        return (short) (sign | roundShift((e << 23) | mant, 13));
    }

    /** float32 bits to bfloat16 bits, round to nearest even; every NaN becomes 0xFFFF as in torch's kernels. */
    public static short f32ToBf16(int f) {
        if ((f & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) 0xFFFF;
        }
        int bias = 0x7FFF + ((f >>> 16) & 1);
        return (short) ((f + bias) >>> 16);
    }

    /** float16 bits to float32 bits (exact); a signalling NaN is quietened, as F16C's {@code vcvtph2ps} does. */
    public static int f16ToF32(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return mant == 0 ? sign | 0x7F80_0000 : sign | 0x7FC0_0000 | (mant << 13);
        }
        if (exp == 0) {
            if (mant == 0) {
                return sign;
            }
            int e = 127 - 15 + 1;
            while ((mant & 0x400) == 0) {
                mant <<= 1;
                e--;
            }
            return sign | (e << 23) | ((mant & 0x3FF) << 13);
        }
        return sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }

    /** bfloat16 bits to float32 bits (exact, NaN payloads kept). */
    public static int bf16ToF32(short b) {
        return (b & 0xFFFF) << 16;
    }

    /** float16 bits to bfloat16 bits; every NaN becomes 0x7FC0 as in torch. */
    public static short f16ToBf16(short h) {
        if ((h & 0x7FFF) > 0x7C00) {
            return (short) 0x7FC0;
        }
        return f32ToBf16(f16ToF32(h));
    }

    /** bfloat16 bits to float16 bits, via the exact float32 value. */
    public static short bf16ToF16(short b) {
        return f32ToF16(bf16ToF32(b));
    }

    /** {@code value >> shift} rounded to nearest, ties to even. */
    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rest > half || (rest == half && (kept & 1) == 1)) {
            kept++;
        }
        return kept;
    }
}
