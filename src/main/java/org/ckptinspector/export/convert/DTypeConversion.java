package org.ckptinspector.export.convert;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.ckptinspector.model.DType;
import org.ckptinspector.values.FloatBits;

/**
 * Converts raw little-endian element bytes from one floating dtype to another. Only float32, float16 and
 * bfloat16 take part: integer, bool, quantized, complex, float64 and 8-bit float tensors are never converted,
 * so a request to convert them leaves them as they are.
 */
public final class DTypeConversion {
    private static final Set<DType> CONVERTIBLE = EnumSet.of(DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16);

    /** Reads one element from {@code src} and writes its converted bits to {@code dst}. */
    private interface ElementConverter {
        void convert(ByteBuffer src, ByteBuffer dst);
    }

    private final DType from;
    private final DType to;
    private final ElementConverter element;

    private DTypeConversion(DType from, DType to) {
        this.from = from;
        this.to = to;
        this.element = converter(from, to);
    }

    private static ElementConverter converter(DType from, DType to) {
        if (from == DType.FLOAT32) {
            return to == DType.FLOAT16
                    ? (s, d) -> d.putShort(FloatBits.f32ToF16(s.getInt()))
                    : (s, d) -> d.putShort(FloatBits.f32ToBf16(s.getInt()));
        }
        if (from == DType.FLOAT16) {
            return to == DType.FLOAT32
                    ? (s, d) -> d.putInt(FloatBits.f16ToF32(s.getShort()))
                    : (s, d) -> d.putShort(FloatBits.f16ToBf16(s.getShort()));
        }
        return to == DType.FLOAT32
                ? (s, d) -> d.putInt(FloatBits.bf16ToF32(s.getShort()))
                : (s, d) -> d.putShort(FloatBits.bf16ToF16(s.getShort()));
    }

    /** The dtypes {@code --dtype} accepts as a target, and the only ones that are converted. */
    public static Set<DType> convertible() {
        return Set.copyOf(CONVERTIBLE);
    }

    /** The conversion of a tensor of {@code from} when {@code target} is requested; empty when it stays as is. */
    public static Optional<DTypeConversion> of(DType from, DType target) {
        if (target == null || from == target || !CONVERTIBLE.contains(from) || !CONVERTIBLE.contains(target)) {
            return Optional.empty();
        }
        return Optional.of(new DTypeConversion(from, target));
    }

    /** The dtype a tensor of {@code from} has after a request for {@code target}. */
    public static DType resultOf(DType from, DType target) {
        return of(from, target).map(DTypeConversion::to).orElse(from);
    }

    public DType from() {
        return from;
    }

    public DType to() {
        return to;
    }

    /** Output bytes for {@code inputBytes} bytes of input. */
    public long outputBytes(long inputBytes) {
        return inputBytes / from.itemSize() * to.itemSize();
    }

    /**
     * Converts every whole element remaining in {@code in} into {@code out} (which must have room), leaving both
     * positions after the data. Both buffers are read and written little-endian whatever their own order.
     */
    public void convert(ByteBuffer in, ByteBuffer out) {
        ByteBuffer src = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer dst = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = src.remaining() / from.itemSize();
        for (int i = 0; i < n; i++) {
            element.convert(src, dst);
        }
        in.position(in.position() + n * from.itemSize());
        out.position(dst.position());
    }

    @Override
    public String toString() {
        return from + " → " + to;
    }
}
