package org.ckptinspector.adapter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * ΔW = scale·B·A of one LoRA module as a float32 tensor in the base weight's orientation and shape (a convolution's
 * {@code [out, in, k…]} row-major as {@code out × in·k…}), whose bytes are computed
 * for the range each read asks for (as {@link LowRankDelta#row} gives them, the factors read at the first read).
 * Statistics, histograms, heat maps and value grids read it like any stored tensor: nothing downstream knows it
 * is computed, and ΔW is never held whole.
 */
public final class DeltaWeight implements ByteRegion {
    /** The suffix of a ΔW tensor's key after its module's name. */
    public static final String SUFFIX = ".ΔW";

    private final LoraModule module;
    private final long length;
    private LowRankDelta delta;

    private DeltaWeight(LoraModule module, long length) {
        this.module = module;
        this.length = length;
    }

    /** The ΔW tensor of {@code m}, keyed {@code <module>.ΔW}; nothing is read until its values are. */
    public static TensorRef of(LoraModule m) {
        long[] shape = m.deltaShape();
        long bytes = 4;
        for (long d : shape) {
            bytes = Math.multiplyExact(bytes, d);
        }
        String key = m.module() + SUFFIX;
        Storage s = new Storage(key, DType.FLOAT32, bytes, "", new DeltaWeight(m, bytes), false);
        return TensorRef.strided(DType.FLOAT32, shape, TensorRef.contiguousStrides(shape), 0, s)
                .withLocation(key, java.util.List.<Object>of(key));
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public ByteBuffer slice(long position, int count) throws IOException {
        ByteRegion.checkBounds(this, position, count);
        LowRankDelta d = delta();
        long first = position / 4;
        int n = (int) ((position + count + 3) / 4 - first);
        float[] values = new float[n];
        int cols = d.cols();
        for (int done = 0; done < n; ) {
            long e = first + done;
            int col = (int) (e % cols);
            int run = Math.min(n - done, cols - col);
            d.row((int) (e / cols), col, run, values, done);
            done += run;
        }
        ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values);
        return out.slice((int) (position - first * 4), count).order(ByteOrder.LITTLE_ENDIAN);
    }

    private synchronized LowRankDelta delta() throws IOException {
        if (delta == null) {
            delta = LowRankDelta.of(module);
        }
        return delta;
    }
}
