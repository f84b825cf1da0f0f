package org.ckptinspector.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
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
     */
    public static void stream(TensorRef t, long first, long count, int chunkBytes, ChunkSink sink)
            throws IOException {
        if (!t.isReadable()) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED,
                    "tensor " + t.key() + " has no readable data"
                            + (t.problems().isEmpty() ? "" : ": " + String.join("; ", t.problems())));
        }
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
