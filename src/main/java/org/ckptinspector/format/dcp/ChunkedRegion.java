package org.ckptinspector.format.dcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.ckptinspector.io.ByteRegion;

/**
 * A logical tensor's row-major bytes assembled from the chunks that tile it, as {@code dcp_to_torch_save} copies
 * each chunk into its box; nothing is copied until a range is asked for. The chunks must tile the tensor exactly
 * (checked by the reader).
 */
final class ChunkedRegion implements ByteRegion {
    /** One chunk: its box and its own row-major bytes. */
    record Piece(long[] offsets, long[] sizes, ByteRegion bytes) {}

    private final long[] shape;
    private final int itemSize;
    private final List<Piece> pieces;
    private final long length;

    ChunkedRegion(long[] shape, int itemSize, List<Piece> pieces, long length) {
        this.shape = shape.clone();
        this.itemSize = itemSize;
        this.pieces = List.copyOf(pieces);
        this.length = length;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public ByteBuffer slice(long position, int len) throws IOException {
        ByteRegion.checkBounds(this, position, len);
        ByteBuffer out = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        int rank = shape.length;
        long[] index = new long[rank];
        long pos = position;
        while (out.hasRemaining()) {
            long element = pos / itemSize;
            int within = (int) (pos % itemSize);
            long rest = element;
            for (int d = rank - 1; d >= 0; d--) {
                index[d] = rest % shape[d];
                rest /= shape[d];
            }
            Piece p = pieceAt(index);
            long local = 0;
            for (int d = 0; d < rank; d++) {
                local = local * p.sizes()[d] + (index[d] - p.offsets()[d]);
            }
            long run = rank == 0 ? 1 : p.offsets()[rank - 1] + p.sizes()[rank - 1] - index[rank - 1];
            int n = (int) Math.min(out.remaining(), run * itemSize - within);
            out.put(p.bytes().slice(local * itemSize + within, n));
            pos += n;
        }
        return out.flip();
    }

    private Piece pieceAt(long[] index) {
        for (Piece p : pieces) {
            boolean inside = true;
            for (int d = 0; d < index.length && inside; d++) {
                inside = index[d] >= p.offsets()[d] && index[d] < p.offsets()[d] + p.sizes()[d];
            }
            if (inside) {
                return p;
            }
        }
        throw new IllegalStateException("no chunk holds element " + java.util.Arrays.toString(index));
    }
}
