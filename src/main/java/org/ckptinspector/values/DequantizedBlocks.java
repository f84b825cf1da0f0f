package org.ckptinspector.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * A GGML block-quantized tensor seen as the float32 tensor gguf-py's {@code dequantize} gives: same key, path and
 * shape, over a region whose bytes are the dequantized values, decoded on demand from the blocks each read
 * touches. Statistics, hashes, comparisons and exports read block tensors through this view, so none of them
 * needs to know about blocks.
 */
public final class DequantizedBlocks implements ByteRegion {
    private final DType type;
    private final ByteRegion blocks;
    private final long values;

    private DequantizedBlocks(DType type, ByteRegion blocks, long values) {
        this.type = type;
        this.blocks = blocks;
        this.values = values;
    }

    /**
     * The float32 view of block tensor {@code t}; refused (with the reason) for block types that are not decoded
     * and for tensors without readable, block-aligned data.
     */
    public static TensorRef view(TensorRef t) throws CheckpointException {
        DType type = t.dtype();
        if (type.kind() != DType.Kind.BLOCK) {
            throw new IllegalArgumentException(t + " is not block-quantized");
        }
        if (!type.isDecoded()) {
            throw unsupported(t, "the values of GGML type " + type + " are not decoded by this version");
        }
        if (!t.isReadable() || !t.isContiguous() || t.storageOffset() % type.blockSize() != 0) {
            throw unsupported(t, "its " + type + " blocks are not readable"
                    + (t.problems().isEmpty() ? "" : ": " + String.join("; ", t.problems())));
        }
        long numel = t.numel();
        long start = t.storageOffset() / type.blockSize() * type.itemSize();
        ByteRegion blocks = t.storage().bytes().region(start, type.bytesFor(numel));
        long bytes = Math.multiplyExact(numel, 4L);
        Storage s = new Storage(t.key(), DType.FLOAT32, bytes, "", new DequantizedBlocks(type, blocks, numel), false);
        return TensorRef.strided(DType.FLOAT32, t.shape(), TensorRef.contiguousStrides(t.shape()), 0, s)
                .withLocation(t.key(), t.path()).withFlags(t.flags());
    }

    private static CheckpointException unsupported(TensorRef t, String why) {
        return new CheckpointException(CheckpointException.Kind.UNSUPPORTED, "tensor " + t.key() + ": " + why);
    }

    @Override
    public long length() {
        return values * 4;
    }

    @Override
    public ByteBuffer slice(long position, int length) throws IOException {
        ByteRegion.checkBounds(this, position, length);
        int per = type.blockSize();
        long firstValue = position / 4;
        long endValue = (position + length + 3) / 4;
        long firstBlock = firstValue / per;
        long endBlock = (endValue + per - 1) / per;
        int n = (int) (endBlock - firstBlock);
        float[] decoded = new float[n * per];
        ByteBuffer src = blocks.slice(firstBlock * type.itemSize(), n * type.itemSize());
        GgmlBlocks.dequantize(type, src, n, decoded, 0);
        ByteBuffer out = ByteBuffer.allocate(decoded.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(decoded);
        int skip = (int) (position - firstBlock * per * 4);
        return out.slice(skip, length).order(ByteOrder.LITTLE_ENDIAN);
    }
}
