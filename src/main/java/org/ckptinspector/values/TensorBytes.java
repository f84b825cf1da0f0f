package org.ckptinspector.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.TensorRef;

/**
 * Streams a strided tensor's elements in row-major order as raw little-endian bytes, a bounded chunk at a time,
 * so a tensor of any size is read with constant memory. Contiguous runs come straight from the mapped file;
 * strided views are gathered into a staging buffer.
 */
public final class TensorBytes {
    /** Default chunk size: large enough to amortise per-chunk work, small enough to stay in cache-friendly range. */
    public static final int DEFAULT_CHUNK = 1 << 22;

    /** Receives consecutive chunks; each buffer is valid only during the call. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(ByteBuffer chunk) throws IOException;
    }

    private TensorBytes() {}

    /** Streams all of {@code t}'s element bytes, in order, in chunks of at most {@code chunkBytes}. */
    public static void stream(TensorRef t, int chunkBytes, ChunkSink sink) throws IOException {
        stream(t, 0, t.numel(), chunkBytes, sink);
    }

    /**
     * Streams elements {@code [first, first + count)} of the row-major order. Chunks always hold whole elements.
     * The bytes are the tensor's logical values: conjugate and negative bits are applied, sparse tensors come
     * densified, quantized tensors as their integers, GGML block-quantized tensors as the float32 values they
     * dequantize to. Packed quint4x2/quint2x4 tensors stream their packed bytes (as {@code int_repr()} gives them in
     * torch) and only as a whole.
     */
    public static void stream(TensorRef t, long first, long count, int chunkBytes, ChunkSink sink)
            throws IOException {
        if (t.dtype().kind() == DType.Kind.BLOCK) {
            streamRaw(DequantizedBlocks.view(t), first, count, chunkBytes, sink);
            return;
        }
        if (t.layout() != Layout.STRIDED && t.layout() != Layout.META && t.hasValues()) {
            streamRaw(SparseTensors.densify(t), first, count, chunkBytes, sink);
            return;
        }
        if (!t.isReadable()) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED,
                    "tensor " + t.key() + " has no readable data"
                            + (t.layout() == Layout.META ? " (a meta tensor holds only shape and dtype)" : "")
                            + (t.problems().isEmpty() ? "" : ": " + String.join("; ", t.problems())));
        }
        if (t.dtype().isPacked()) {
            streamPacked(t, first, count, chunkBytes, sink);
            return;
        }
        streamRaw(t, first, count, chunkBytes, LogicalValues.apply(t, sink));
    }

    /**
     * The stored bytes that are exactly what {@link #stream} gives for the whole tensor, when there are such: a
     * readable tensor laid out contiguously, with no conjugate or negative bit to apply. Callers can then copy or
     * compare the bytes as one run instead of streaming them.
     */
    public static Optional<ByteRegion> storedRun(TensorRef t) {
        if (!t.isReadable() || !t.isContiguous() || t.dtype().kind() == DType.Kind.BLOCK) {
            return Optional.empty();
        }
        long start;
        if (t.numel() == 0) {
            start = 0;
        } else if (t.dtype().isPacked()) {
            int perByte = 8 / t.dtype().bitsPerElement();
            if (t.storageOffset() % perByte != 0) {
                return Optional.empty();
            }
            start = t.storageOffset() / perByte;
        } else {
            ChunkSink identity = chunk -> { };
            if (LogicalValues.apply(t, identity) != identity) {
                return Optional.empty();
            }
            start = Math.multiplyExact(t.storageOffset(), (long) t.dtype().itemSize());
        }
        return Optional.of(t.storage().bytes().region(start, t.nbytes()));
    }

    /** All of a tensor's logical bytes in one array; refused when larger than {@code maxBytes}. */
    public static byte[] toArray(TensorRef t, long maxBytes) throws IOException {
        long n = t.dtype().kind() == DType.Kind.BLOCK ? t.numel() * 4 : t.nbytes();
        if (n > maxBytes) {
            throw new CheckpointException(CheckpointException.Kind.LIMIT_EXCEEDED, "tensor " + t.key() + " has "
                    + n + " bytes, more than the " + maxBytes + " this operation reads into memory");
        }
        ByteBuffer out = ByteBuffer.allocate((int) n);
        stream(t, DEFAULT_CHUNK, chunk -> out.put(chunk));
        return out.array();
    }

    /** Packed sub-byte elements: the bytes that hold them, for a contiguous tensor starting on a byte boundary. */
    private static void streamPacked(TensorRef t, long first, long count, int chunkBytes, ChunkSink sink)
            throws IOException {
        int perByte = 8 / t.dtype().bitsPerElement();
        if (first != 0 || count != t.numel() || !t.isContiguous() || t.storageOffset() % perByte != 0) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, "tensor " + t.key() + " is a "
                    + t.dtype() + " view that does not start on a byte boundary or is read in parts; only whole, "
                    + "contiguous packed tensors can be read");
        }
        ByteRegion region = t.storage().bytes();
        long pos = t.storageOffset() / perByte;
        long remaining = t.dtype().bytesFor(count);
        while (remaining > 0) {
            int n = (int) Math.min(remaining, Math.max(1, chunkBytes));
            sink.accept(region.slice(pos, n));
            pos += n;
            remaining -= n;
        }
    }

    /** The stored bytes of a readable strided tensor, in row-major order. */
    private static void streamRaw(TensorRef t, long first, long count, int chunkBytes, ChunkSink sink)
            throws IOException {
        if (count <= 0) {
            return;
        }
        int item = t.dtype().itemSize();
        int chunkElems = Math.max(1, chunkBytes / item);
        ByteRegion region = t.storage().bytes();
        int rank = t.rank();
        long[] shape = t.shape();
        long[] stride = t.stride();
        if (t.isContiguous() || rank == 0) {
            long pos = (t.storageOffset() + first) * item;
            long remaining = count;
            while (remaining > 0) {
                int n = (int) Math.min(remaining, chunkElems);
                sink.accept(region.slice(pos, n * item));
                pos += (long) n * item;
                remaining -= n;
            }
            return;
        }
        // Collapse trailing dims that are contiguous with each other into one run.
        int innerDims = 0;
        long run = 1;
        for (int i = rank - 1; i >= 0; i--) {
            if (stride[i] == run || shape[i] == 1) {
                run *= shape[i];
                innerDims++;
            } else {
                break;
            }
        }
        long[] index = new long[rank];
        unravel(first, shape, index);
        ByteBuffer staging = ByteBuffer.allocate(chunkElems * item).order(ByteOrder.LITTLE_ENDIAN);
        long remaining = count;
        if (innerDims > 0) {
            while (remaining > 0) {
                int outer = rank - innerDims;
                long inRun = 0;
                long runStride = 1;
                for (int i = rank - 1; i >= outer; i--) {
                    inRun += index[i] * runStride;
                    runStride *= shape[i];
                }
                long n = Math.min(run - inRun, remaining);
                long base = t.storageOffset() + inRun;
                for (int i = 0; i < outer; i++) {
                    base += index[i] * stride[i];
                }
                long pos = base * item;
                long left = n;
                while (left > 0) {
                    int k = (int) Math.min(left, staging.remaining() / item);
                    if (k == 0) {
                        flush(staging, sink);
                        continue;
                    }
                    staging.put(region.slice(pos, k * item));
                    pos += (long) k * item;
                    left -= k;
                    if (!staging.hasRemaining()) {
                        flush(staging, sink);
                    }
                }
                remaining -= n;
                advance(index, shape, n);
            }
        } else {
            // Innermost dim is strided: gather element by element from a slice spanning one row.
            int last = rank - 1;
            long rowLen = shape[last];
            long s = stride[last];
            while (remaining > 0) {
                long n = Math.min(rowLen - index[last], remaining);
                long base = t.storageOffset();
                for (int i = 0; i < rank; i++) {
                    base += index[i] * stride[i];
                }
                long spanElems = (n - 1) * s + 1;
                if (spanElems * item <= (64L << 20)) {
                    ByteBuffer row = region.slice(base * item, (int) (spanElems * item));
                    for (long j = 0; j < n; j++) {
                        if (staging.remaining() < item) {
                            flush(staging, sink);
                        }
                        staging.put(row.slice((int) (j * s * item), item));
                    }
                } else {
                    for (long j = 0; j < n; j++) {
                        if (staging.remaining() < item) {
                            flush(staging, sink);
                        }
                        staging.put(region.slice((base + j * s) * item, item));
                    }
                }
                remaining -= n;
                advance(index, shape, n);
            }
        }
        if (staging.position() > 0) {
            flush(staging, sink);
        }
    }

    private static void flush(ByteBuffer staging, ChunkSink sink) throws IOException {
        staging.flip();
        sink.accept(staging.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
        staging.clear();
    }

    private static void unravel(long flat, long[] shape, long[] index) {
        for (int i = shape.length - 1; i >= 0; i--) {
            index[i] = flat % shape[i];
            flat /= shape[i];
        }
    }

    private static void advance(long[] index, long[] shape, long n) {
        int i = shape.length - 1;
        long carry = n;
        while (i >= 0 && carry > 0) {
            long v = index[i] + carry;
            index[i] = v % shape[i];
            carry = v / shape[i];
            i--;
        }
    }
}
