package org.ckptinspector.values;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import org.ckptinspector.model.DType;

/** The decoders of the real-valued dtypes, complex components included, with bulk buffer views. */
final class ElementDecoders {
    private ElementDecoders() {}

    /** Decodes one real number per element of a real (non-complex, non-quantized) dtype. */
    static ElementDecoder real(DType dtype) {
        switch (dtype) {
            case FLOAT64:
                return (src, first, n, dst, off) -> src.asDoubleBuffer().get(dst, off, n);
            case FLOAT32:
                return ElementDecoders::float32;
            case FLOAT16:
                return ElementDecoders::float16;
            case BFLOAT16:
                return ElementDecoders::bfloat16;
            case FLOAT8_E4M3FN:
            case FLOAT8_E5M2:
            case FLOAT8_E4M3FNUZ:
            case FLOAT8_E5M2FNUZ:
            case FLOAT8_E8M0FNU:
                return byteTable(MiniFloats.table8(dtype));
            case FLOAT4_E2M1FN_X2:
                return new PackedPairs(MiniFloats.e2m1Table());
            case INT64:
                return ElementDecoders::int64;
            case UINT64:
                return ElementDecoders::uint64;
            case INT32:
                return ElementDecoders::int32;
            case UINT32:
                return ElementDecoders::uint32;
            case INT16:
                return ElementDecoders::int16;
            case UINT16:
            case BITS16:
                return ElementDecoders::uint16;
            case INT8:
                return ElementDecoders::int8;
            case UINT8:
            case BITS8:
            case BITS1X8:
            case BITS2X4:
            case BITS4X2:
                return ElementDecoders::uint8;
            case BOOL:
                return ElementDecoders::bool;
            default:
                throw new IllegalArgumentException(dtype + " is not a real dtype");
        }
    }

    /** The dtype of one component of a complex dtype. */
    static DType componentOf(DType complex) {
        switch (complex) {
            case COMPLEX128:
                return DType.FLOAT64;
            case COMPLEX64:
                return DType.FLOAT32;
            case COMPLEX32:
                return DType.FLOAT16;
            default:
                throw new IllegalArgumentException(complex + " is not complex");
        }
    }

    /** Unsigned 64-bit to the nearest double, as numpy's astype(float64) rounds it. */
    static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        // Halve with the lost bit kept sticky, so the rounding to nearest-even stays correct, then double.
        return ((double) ((v >>> 1) | (v & 1))) * 2.0;
    }

    private static void float32(ByteBuffer src, long first, int n, double[] dst, int off) {
        FloatBuffer f = src.asFloatBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = f.get(i);
        }
    }

    private static void float16(ByteBuffer src, long first, int n, double[] dst, int off) {
        float[] table = MiniFloats.float16Table();
        ShortBuffer s = src.asShortBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = table[s.get(i) & 0xFFFF];
        }
    }

    private static void bfloat16(ByteBuffer src, long first, int n, double[] dst, int off) {
        ShortBuffer s = src.asShortBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = Float.intBitsToFloat(s.get(i) << 16);
        }
    }

    private static ElementDecoder byteTable(double[] table) {
        return (src, first, n, dst, off) -> {
            for (int i = 0; i < n; i++) {
                dst[off + i] = table[src.get(i) & 0xFF];
            }
        };
    }

    private static void int64(ByteBuffer src, long first, int n, double[] dst, int off) {
        LongBuffer l = src.asLongBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = l.get(i);
        }
    }

    private static void uint64(ByteBuffer src, long first, int n, double[] dst, int off) {
        LongBuffer l = src.asLongBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = unsignedToDouble(l.get(i));
        }
    }

    private static void int32(ByteBuffer src, long first, int n, double[] dst, int off) {
        IntBuffer b = src.asIntBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = b.get(i);
        }
    }

    private static void uint32(ByteBuffer src, long first, int n, double[] dst, int off) {
        IntBuffer b = src.asIntBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = b.get(i) & 0xFFFF_FFFFL;
        }
    }

    private static void int16(ByteBuffer src, long first, int n, double[] dst, int off) {
        ShortBuffer s = src.asShortBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = s.get(i);
        }
    }

    private static void uint16(ByteBuffer src, long first, int n, double[] dst, int off) {
        ShortBuffer s = src.asShortBuffer();
        for (int i = 0; i < n; i++) {
            dst[off + i] = s.get(i) & 0xFFFF;
        }
    }

    private static void int8(ByteBuffer src, long first, int n, double[] dst, int off) {
        for (int i = 0; i < n; i++) {
            dst[off + i] = src.get(i);
        }
    }

    private static void uint8(ByteBuffer src, long first, int n, double[] dst, int off) {
        for (int i = 0; i < n; i++) {
            dst[off + i] = src.get(i) & 0xFF;
        }
    }

    private static void bool(ByteBuffer src, long first, int n, double[] dst, int off) {
        for (int i = 0; i < n; i++) {
            dst[off + i] = src.get(i) != 0 ? 1.0 : 0.0;
        }
    }

    /** Two 4-bit codes per byte, low nibble first (torch's packing), each through a 16-entry table. */
    private record PackedPairs(double[] table) implements ElementDecoder {
        @Override
        public int valuesPerUnit() {
            return 2;
        }

        @Override
        public void decode(ByteBuffer src, long firstUnit, int n, double[] dst, int offset) {
            for (int i = 0; i < n; i++) {
                int b = src.get(i);
                dst[offset + 2 * i] = table[b & 0xF];
                dst[offset + 2 * i + 1] = table[(b >> 4) & 0xF];
            }
        }
    }
}
