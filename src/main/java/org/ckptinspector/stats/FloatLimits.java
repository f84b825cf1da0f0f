package org.ckptinspector.stats;

import org.ckptinspector.model.DType;
import org.ckptinspector.values.MiniFloats;

/** The smallest normal and largest finite magnitude of the float format a tensor's values come from. */
final class FloatLimits {
    private FloatLimits() {}

    /**
     * Smallest positive normal number, as {@code torch.finfo(dtype).tiny}; 0 for integer dtypes, which have no
     * subnormals. Complex dtypes use their component, quantized ones float32 (what dequantize returns), and
     * float4_e2m1fn_x2 has 1.0 (0.5 is its only subnormal).
     */
    static double tiny(DType dtype) {
        switch (dtype) {
            case FLOAT64:
            case COMPLEX128:
                return Double.MIN_NORMAL;
            case FLOAT32:
            case BFLOAT16:
            case COMPLEX64:
                return Float.MIN_NORMAL;
            case FLOAT16:
            case COMPLEX32:
            case FLOAT8_E5M2:
                return 0x1p-14;
            case FLOAT8_E4M3FN:
                return 0x1p-6;
            case FLOAT8_E4M3FNUZ:
                return 0x1p-7;
            case FLOAT8_E5M2FNUZ:
                return 0x1p-15;
            case FLOAT8_E8M0FNU:
                return 0x1p-127;
            case FLOAT4_E2M1FN_X2:
                return 1.0;
            default:
                boolean dequantized = dtype.kind() == DType.Kind.QUANTIZED || dtype.kind() == DType.Kind.BLOCK;
                return dequantized ? Float.MIN_NORMAL : 0.0;
        }
    }

    /** Largest finite magnitude of a floating-point (or complex) dtype; infinity for the others. */
    static double maxFinite(DType dtype) {
        switch (dtype) {
            case FLOAT64:
            case COMPLEX128:
                return Double.MAX_VALUE;
            case FLOAT32:
            case COMPLEX64:
                return Float.MAX_VALUE;
            case COMPLEX32:
                return maxFinite(DType.FLOAT16);
            default:
                if (!dtype.isFloatingPoint()) {
                    return Double.POSITIVE_INFINITY;
                }
                int codes = dtype.itemSize() == 2 ? 1 << 16 : dtype == DType.FLOAT4_E2M1FN_X2 ? 16 : 256;
                double max = 0;
                for (int c = 0; c < codes; c++) {
                    double v = Math.abs(MiniFloats.decode(dtype, c));
                    if (v - v == 0) {
                        max = Math.max(max, v);
                    }
                }
                return max;
        }
    }
}
