package org.ckptinspector.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;

/**
 * A GGML block-quantized tensor seen as the float32 tensor gguf-py's {@code dequantize} gives: same key, path and
 * shape, over a region whose bytes are the dequantized values, decoded on demand from the blocks each read
 * touches. Statistics, hashes, comparisons and exports read block tensors through this view, so none of them
 * needs to know about blocks.
 */
public final class DequantizedBlocks extends ComputedFloats {
    private final DType type;
    private final ByteRegion blocks;

    private DequantizedBlocks(DType type, ByteRegion blocks, long values) {
        super(values, type.blockSize());
        this.type = type;
        this.blocks = blocks;
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
            throw CheckpointException.unsupported(t, "the values of GGML type " + type
                    + " are not decoded by this version");
        }
        if (!t.isReadable() || !t.isContiguous() || t.storageOffset() % type.blockSize() != 0) {
            throw CheckpointException.unsupported(t, "its " + type + " blocks are not readable"
                    + (t.problems().isEmpty() ? "" : ": " + String.join("; ", t.problems())));
        }
        long numel = t.numel();
        long start = t.storageOffset() / type.blockSize() * type.itemSize();
        ByteRegion blocks = t.storage().bytes().region(start, type.bytesFor(numel));
        return new DequantizedBlocks(type, blocks, numel).tensor(t.key(), t.shape(), t.path())
                .withFlags(t.flags());
    }

    /** Decodes whole blocks: a tensor's last block is stored whole even when its values end inside it. */
    @Override
    protected void compute(long first, float[] into) throws IOException {
        int per = type.blockSize();
        int n = into.length / per;
        ByteBuffer src = blocks.slice(first / per * type.itemSize(), n * type.itemSize());
        GgmlBlocks.dequantize(type, src, n, into, 0);
    }
}
