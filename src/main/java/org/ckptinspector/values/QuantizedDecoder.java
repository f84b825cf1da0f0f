package org.ckptinspector.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.TensorRef;

/**
 * Dequantizes integer codes to the float32 numbers torch's {@code dequantize()} gives: per tensor
 * {@code float(scale) * float(q - zero_point)} in float32 arithmetic, per channel (along the quantization axis)
 * {@code float((q - zero_point) * scale)} in double arithmetic, rounded once. quint4x2 and quint2x4 pack two and
 * four codes per byte, lowest bits first.
 */
final class QuantizedDecoder implements ElementDecoder {
    /** Channels beyond this are refused: the scales are held in memory. */
    static final int MAX_CHANNELS = 1 << 24;

    private final DType dtype;
    private final double[] scales;
    private final double[] zeroPoints;
    private final long inner;
    private final int codesPerByte;

    private QuantizedDecoder(DType dtype, double[] scales, double[] zeroPoints, long inner) {
        this.dtype = dtype;
        this.scales = scales;
        this.zeroPoints = zeroPoints;
        this.inner = inner;
        this.codesPerByte = codesPerByte(dtype);
    }

    /** Codes per stored byte: 2 for quint4x2, 4 for quint2x4, else 1 (whole elements). */
    static int codesPerByte(DType dtype) {
        return dtype.isPacked() ? 8 / dtype.bitsPerElement() : 1;
    }

    static QuantizedDecoder of(TensorRef t) throws IOException {
        Quantization q = t.quantization();
        if (q instanceof Quantization.PerTensor p) {
            return new QuantizedDecoder(t.dtype(), new double[] {p.scale()}, new double[] {p.zeroPoint()},
                    Long.MAX_VALUE);
        }
        if (q instanceof Quantization.PerChannel p) {
            int axis = p.axis();
            if (axis < 0 || axis >= t.rank()) {
                throw CheckpointException.unsupported(t, "quantization axis " + axis + " is outside its " + t.rank()
                        + " dimensions");
            }
            long channels = t.dim(axis);
            if (channels > MAX_CHANNELS) {
                throw CheckpointException.unsupported(t, channels + " quantization channels exceed the limit of "
                        + MAX_CHANNELS);
            }
            double[] scales = channelValues(t, p.scales(), channels, "scales");
            double[] zeroPoints = channelValues(t, p.zeroPoints(), channels, "zero points");
            long inner = 1;
            for (int i = axis + 1; i < t.rank(); i++) {
                inner = Math.multiplyExact(inner, t.dim(i));
            }
            return new QuantizedDecoder(t.dtype(), scales, zeroPoints, Math.max(inner, 1));
        }
        throw CheckpointException.unsupported(t, "quantized tensor without scale and zero point");
    }

    private static double[] channelValues(TensorRef t, TensorRef values, long channels, String what)
            throws IOException {
        if (values == null || values.numel() != channels) {
            throw CheckpointException.unsupported(t, "per-channel " + what + " do not match the " + channels
                    + " channels");
        }
        return ValueReader.of(values).read(0, (int) channels);
    }

    @Override
    public boolean positionIndependent() {
        return scales.length == 1;
    }

    @Override
    public int valuesPerUnit() {
        return codesPerByte;
    }

    @Override
    public void decode(ByteBuffer src, long firstUnit, int n, double[] dst, int offset) {
        long firstValue = firstUnit * codesPerByte;
        switch (dtype) {
            case QINT8:
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = dequantize(src.get(i), firstValue + i);
                }
                break;
            case QUINT8:
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = dequantize(src.get(i) & 0xFF, firstValue + i);
                }
                break;
            case QINT32:
                var ints = src.asIntBuffer();
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = dequantize(ints.get(i), firstValue + i);
                }
                break;
            default:
                int bits = 8 / codesPerByte;
                int mask = (1 << bits) - 1;
                for (int i = 0; i < n; i++) {
                    int b = src.get(i) & 0xFF;
                    for (int k = 0; k < codesPerByte; k++) {
                        int j = i * codesPerByte + k;
                        dst[offset + j] = dequantize((b >> (k * bits)) & mask, firstValue + j);
                    }
                }
        }
    }

    private double dequantize(long code, long valueIndex) {
        if (scales.length == 1) {
            return (float) scales[0] * (float) (code - (long) zeroPoints[0]);
        }
        int c = (int) ((valueIndex / inner) % scales.length);
        return (float) ((code - zeroPoints[c]) * scales[c]);
    }
}
