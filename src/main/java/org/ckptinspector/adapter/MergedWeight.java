package org.ckptinspector.adapter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.FloatBits;
import org.ckptinspector.values.ValueReader;

/**
 * The bytes of a merged weight, W + ΔW in W's dtype, computed on demand for the range each read asks for, as
 * peft's {@code merge} computes them: ΔW in float32, added to W in float32 (float64 for a float64 W) and rounded
 * to W's dtype once. Export, statistics and diff read a merged tensor through this region like any other tensor.
 */
public final class MergedWeight implements ByteRegion {
    /** The dtypes a merge writes; peft merges into floating-point weights only. */
    static final Set<DType> MERGEABLE = EnumSet.of(DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16, DType.FLOAT64);

    /** A ΔW laid over a {@code rows × cols} weight (a vector is one row). */
    interface Delta {
        int cols();

        /** ΔW[row, from .. from + count) into {@code dst[offset ..]}. */
        void row(int row, int from, int count, float[] dst, int offset);

        /** ΔW's row-major values from element {@code first} on into all of {@code dst}, row by row. */
        default void values(long first, float[] dst) {
            int cols = cols();
            for (int done = 0; done < dst.length; ) {
                long e = first + done;
                int col = (int) (e % cols);
                int count = Math.min(dst.length - done, cols - col);
                row((int) (e / cols), col, count, dst, done);
                done += count;
            }
        }
    }

    private final ValueReader weight;
    private final DType sourceType;
    private final DType dtype;
    private final Delta delta;
    private final long numel;

    private MergedWeight(ValueReader weight, DType sourceType, DType dtype, Delta delta, long numel) {
        this.weight = weight;
        this.sourceType = sourceType;
        this.dtype = dtype;
        this.delta = delta;
        this.numel = numel;
    }

    /** No change: a replacement tensor cast to the base's dtype. */
    private static final Delta NONE = new Delta() {
        @Override
        public int cols() {
            return Integer.MAX_VALUE;
        }

        @Override
        public void row(int row, int from, int count, float[] dst, int offset) {
            java.util.Arrays.fill(dst, offset, offset + count, 0f);
        }
    };

    /**
     * {@code source} (the base weight, or the adapter's replacement for it) + ΔW, as a tensor with {@code base}'s
     * key, path, dtype and shape; {@code delta} null adds nothing (a replacement cast to the base's dtype).
     */
    public static TensorRef of(TensorRef base, TensorRef source, LowRankDelta delta) throws CheckpointException {
        return tensor(base, new MergedWeight(ValueReader.of(source), source.dtype(), base.dtype(),
                delta == null ? NONE : delta, base.numel()));
    }

    /** {@code bias} + scale·{@code loraBias} (peft's {@code lora_bias} merge). */
    public static TensorRef bias(TensorRef bias, TensorRef loraBias, double scale) throws IOException {
        double[] b = ValueReader.of(loraBias).read(0, (int) loraBias.numel());
        float s = (float) scale;
        float[] d = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            d[i] = (float) b[i] * s;
        }
        return tensor(bias, new MergedWeight(ValueReader.of(bias), bias.dtype(), bias.dtype(), new Delta() {
            @Override
            public int cols() {
                return d.length;
            }

            @Override
            public void row(int row, int from, int count, float[] dst, int offset) {
                System.arraycopy(d, from, dst, offset, count);
            }
        }, bias.numel()));
    }

    private static TensorRef tensor(TensorRef w, MergedWeight region) {
        Storage s = new Storage(w.key(), w.dtype(), region.length(), "", region, false);
        return TensorRef.strided(w.dtype(), w.shape(), TensorRef.contiguousStrides(w.shape()), 0, s)
                .withLocation(w.key(), w.path()).withFlags(w.flags());
    }

    @Override
    public long length() {
        return numel * dtype.itemSize();
    }

    @Override
    public ByteBuffer slice(long position, int length) throws IOException {
        ByteRegion.checkBounds(this, position, length);
        int item = dtype.itemSize();
        long first = position / item;
        long end = (position + length + item - 1) / item;
        int n = (int) (end - first);
        double[] w = weight.read(first, n);
        if (sourceType != dtype) {
            for (int i = 0; i < n; i++) {
                w[i] = rounded(w[i]);
            }
        }
        float[] d = new float[n];
        delta.values(first, d);
        ByteBuffer out = ByteBuffer.allocate(n * item).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case FLOAT64 -> out.putDouble(w[i] + d[i]);
                case FLOAT32 -> out.putFloat((float) w[i] + d[i]);
                case FLOAT16 -> out.putShort(FloatBits.f32ToF16(Float.floatToRawIntBits((float) w[i] + d[i])));
                case BFLOAT16 -> out.putShort(FloatBits.f32ToBf16(Float.floatToRawIntBits((float) w[i] + d[i])));
                default -> throw new IllegalStateException("not a mergeable dtype: " + dtype);
            }
        }
        int skip = (int) (position - first * item);
        return out.slice(skip, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code x} rounded to this weight's dtype, as copying a saved tensor into the base parameter rounds it. */
    private double rounded(double x) {
        return switch (dtype) {
            case FLOAT64 -> x;
            case FLOAT32 -> (float) x;
            case FLOAT16 -> Float.intBitsToFloat(FloatBits.f16ToF32(FloatBits.f32ToF16(Float.floatToRawIntBits((float) x))));
            case BFLOAT16 -> Float.intBitsToFloat(FloatBits.bf16ToF32(FloatBits.f32ToBf16(Float.floatToRawIntBits((float) x))));
            default -> throw new IllegalStateException("not a mergeable dtype: " + dtype);
        };
    }
}
