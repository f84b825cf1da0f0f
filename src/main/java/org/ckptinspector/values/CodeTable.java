package org.ckptinspector.values;

/**
 * The decoded value of every possible stored code of a tensor whose elements are one- or two-byte codes with a
 * fixed meaning (float16, bfloat16, float8, float4 pairs, 8/16-bit integers, bool, per-tensor 8-bit quantized).
 * Counting codes instead of decoding every element gives exact statistics in one pass.
 *
 * @param codeBytes bytes per stored code: 1 or 2
 * @param valuesPerCode values each code yields: 2 for float4_e2m1fn_x2 (low nibble first), else 1
 * @param values {@code values[code * valuesPerCode + slot]}, the same numbers {@link ValueReader} yields
 */
public record CodeTable(int codeBytes, int valuesPerCode, double[] values) {

    /** Number of distinct codes: 256 or 65 536. */
    public int codes() {
        return 1 << (8 * codeBytes);
    }

    /** The value of slot {@code slot} of {@code code}. */
    public double value(int code, int slot) {
        return values[code * valuesPerCode + slot];
    }
}
