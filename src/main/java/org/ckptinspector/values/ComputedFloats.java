package org.ckptinspector.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * The bytes of a float32 tensor whose values are computed on demand, only for the values each read covers.
 * Subclasses say how to compute a run of values; this class maps byte ranges to value ranges and back, so
 * everything downstream reads a computed tensor like a stored one.
 */
public abstract class ComputedFloats implements ByteRegion {
    private final long length;
    private final int block;

    /**
     * A region of {@code values} float32 values computed in whole runs of {@code block} values (1 when any value
     * can be computed alone).
     */
    protected ComputedFloats(long values, int block) {
        if (block < 1) {
            throw new IllegalArgumentException("block of " + block + " values");
        }
        this.length = Math.multiplyExact(values, 4L);
        this.block = block;
    }

    /**
     * Computes the values from {@code first} on into all of {@code into}. {@code first} and {@code into.length}
     * are multiples of the block, so {@code into} may run past the last value to the end of its block.
     */
    protected abstract void compute(long first, float[] into) throws IOException;

    /** This region as the contiguous float32 tensor {@code key} of {@code shape}, at {@code path}. */
    protected final TensorRef tensor(String key, long[] shape, List<Object> path) {
        Storage s = new Storage(key, DType.FLOAT32, length(), "", this, false);
        return TensorRef.strided(DType.FLOAT32, shape, TensorRef.contiguousStrides(shape), 0, s)
                .withLocation(key, path);
    }

    @Override
    public final long length() {
        return length;
    }

    @Override
    public final ByteBuffer slice(long position, int length) throws IOException {
        ByteRegion.checkBounds(this, position, length);
        // whole values, widened to whole blocks: a read may start or end inside either
        long first = position / 4 / block * block;
        long end = ((position + length + 3) / 4 + block - 1) / block * block;
        float[] computed = new float[(int) (end - first)];
        compute(first, computed);
        ByteBuffer out = ByteBuffer.allocate(computed.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(computed);
        return out.slice((int) (position - first * 4), length).order(ByteOrder.LITTLE_ENDIAN);
    }
}
