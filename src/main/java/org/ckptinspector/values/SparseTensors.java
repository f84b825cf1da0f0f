package org.ckptinspector.values;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * Densifies sparse tensors (COO with optional dense dimensions; CSR, CSC, BSR, BSC without batch dimensions) into
 * a contiguous tensor held in memory, the bytes torch's {@code to_dense()} gives. Duplicate COO entries are
 * summed for float32/float64/complex/integer/bool values, as {@code to_dense()} does; for other dtypes the last
 * one wins. The dense result may take at most {@value #MAX_DENSE_BYTES} bytes.
 */
final class SparseTensors {
    /** Largest densified tensor, in bytes; sparse tensors in checkpoints are small in practice. */
    static final long MAX_DENSE_BYTES = 128L << 20;

    private SparseTensors() {}

    static TensorRef densify(TensorRef t) throws IOException {
        long[] size = t.shape();
        DType dtype = t.dtype();
        long bytes = t.nbytes();
        if (bytes > MAX_DENSE_BYTES) {
            throw new CheckpointException(CheckpointException.Kind.LIMIT_EXCEEDED, "sparse tensor " + t.key()
                    + " would take " + bytes + " bytes densified, more than the limit of " + MAX_DENSE_BYTES);
        }
        byte[] dense = new byte[(int) bytes];
        Map<String, TensorRef> parts = t.components();
        TensorRef values = parts.get("values");
        byte[] vals = TensorBytes.toArray(values, MAX_DENSE_BYTES);
        if (t.layout() == Layout.SPARSE_COO) {
            coo(t, size, indices(parts.get("indices")), parts.get("indices").shape(), values, vals, dense);
        } else {
            boolean rowCompressed = t.layout() == Layout.SPARSE_CSR || t.layout() == Layout.SPARSE_BSR;
            TensorRef compressed = parts.get(rowCompressed ? "crow_indices" : "ccol_indices");
            TensorRef plain = parts.get(rowCompressed ? "col_indices" : "row_indices");
            if (compressed.rank() != 1 || size.length != 2 + (values.rank() - (isBlocked(t) ? 3 : 1))) {
                throw unsupported(t, "batched or hybrid compressed sparse tensors");
            }
            compressed(t, size, rowCompressed, indices(compressed), indices(plain), values, vals, dense);
        }
        ByteRegion region = ByteRegion.of(dense);
        Storage storage = new Storage(t.key() + " (dense)", dtype, dense.length, "", region, false);
        return TensorRef.strided(dtype, size, TensorRef.contiguousStrides(size), 0, storage).withLocation(t.key(), t.path());
    }

    private static boolean isBlocked(TensorRef t) {
        return t.layout() == Layout.SPARSE_BSR || t.layout() == Layout.SPARSE_BSC;
    }

    /** COO: indices [sparseDims, nnz], values [nnz, denseDims...]. */
    private static void coo(TensorRef t, long[] size, long[] idx, long[] idxShape, TensorRef values, byte[] vals,
            byte[] dense) throws CheckpointException {
        if (idxShape.length != 2 || values.rank() < 1 || idxShape[0] > size.length) {
            throw corrupt(t, "indices of shape " + java.util.Arrays.toString(idxShape) + " do not fit size "
                    + java.util.Arrays.toString(size));
        }
        int sparseDims = (int) idxShape[0];
        long nnz = idxShape[1];
        int item = t.dtype().itemSize();
        long block = 1;
        for (int d = sparseDims; d < size.length; d++) {
            block *= size[d];
        }
        if (values.dim(0) != nnz || values.numel() != nnz * block) {
            throw corrupt(t, "values do not match the number of indices");
        }
        for (long k = 0; k < nnz; k++) {
            long flat = 0;
            for (int d = 0; d < sparseDims; d++) {
                long i = idx[(int) (d * nnz + k)];
                if (i < 0 || i >= size[d]) {
                    throw corrupt(t, "index " + i + " is outside dimension " + d + " of size " + size[d]);
                }
                flat = flat * size[d] + i;
            }
            for (long j = 0; j < block; j++) {
                accumulate(t.dtype(), dense, (int) ((flat * block + j) * item), vals, (int) ((k * block + j) * item));
            }
        }
    }

    /** CSR/CSC/BSR/BSC: compressed indices [n + 1], plain indices [nnz], values [nnz] or [nnz, bh, bw]. */
    private static void compressed(TensorRef t, long[] size, boolean rowCompressed, long[] comp, long[] plain,
            TensorRef values, byte[] vals, byte[] dense) throws CheckpointException {
        long bh = isBlocked(t) ? values.dim(1) : 1;
        long bw = isBlocked(t) ? values.dim(2) : 1;
        long cols = size[1];
        int item = t.dtype().itemSize();
        for (int i = 0; i + 1 < comp.length; i++) {
            if (comp[i] < 0 || comp[i] > comp[i + 1] || comp[i + 1] > plain.length) {
                throw corrupt(t, "compressed indices are not a non-decreasing sequence within the values");
            }
            for (long k = comp[i]; k < comp[i + 1]; k++) {
                long j = plain[(int) k];
                long rowBlock = rowCompressed ? i : j;
                long colBlock = rowCompressed ? j : i;
                if (rowBlock < 0 || (rowBlock + 1) * bh > size[0] || colBlock < 0 || (colBlock + 1) * bw > cols) {
                    throw corrupt(t, "an index lies outside size " + java.util.Arrays.toString(size));
                }
                for (long r = 0; r < bh; r++) {
                    for (long c = 0; c < bw; c++) {
                        long at = (rowBlock * bh + r) * cols + colBlock * bw + c;
                        accumulate(t.dtype(), dense, (int) (at * item), vals, (int) (((k * bh + r) * bw + c) * item));
                    }
                }
            }
        }
    }

    private static long[] indices(TensorRef t) throws IOException {
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw new CheckpointException(CheckpointException.Kind.CORRUPT, "sparse indices " + t.key()
                    + " have dtype " + t.dtype() + ", not int64 or int32");
        }
        ByteBuffer b = ByteBuffer.wrap(TensorBytes.toArray(t, MAX_DENSE_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.dtype() == DType.INT64 ? b.getLong() : b.getInt();
        }
        return out;
    }

    /** Adds the element at {@code src[from]} into {@code dense[at]}, as to_dense() sums duplicates. */
    private static void accumulate(DType d, byte[] dense, int at, byte[] src, int from) {
        ByteBuffer out = ByteBuffer.wrap(dense).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer in = ByteBuffer.wrap(src).order(ByteOrder.LITTLE_ENDIAN);
        switch (d) {
            case FLOAT32 -> out.putFloat(at, out.getFloat(at) + in.getFloat(from));
            case FLOAT64 -> out.putDouble(at, out.getDouble(at) + in.getDouble(from));
            case COMPLEX64 -> {
                out.putFloat(at, out.getFloat(at) + in.getFloat(from));
                out.putFloat(at + 4, out.getFloat(at + 4) + in.getFloat(from + 4));
            }
            case COMPLEX128 -> {
                out.putDouble(at, out.getDouble(at) + in.getDouble(from));
                out.putDouble(at + 8, out.getDouble(at + 8) + in.getDouble(from + 8));
            }
            case INT64, UINT64 -> out.putLong(at, out.getLong(at) + in.getLong(from));
            case INT32, UINT32 -> out.putInt(at, out.getInt(at) + in.getInt(from));
            case INT16, UINT16 -> out.putShort(at, (short) (out.getShort(at) + in.getShort(from)));
            case INT8, UINT8 -> dense[at] = (byte) (dense[at] + src[from]);
            case BOOL -> dense[at] = (byte) (dense[at] | src[from]);
            default -> System.arraycopy(src, from, dense, at, d.itemSize());
        }
    }

    private static CheckpointException corrupt(TensorRef t, String reason) {
        return new CheckpointException(CheckpointException.Kind.CORRUPT, "sparse tensor " + t.key() + ": " + reason);
    }

    private static CheckpointException unsupported(TensorRef t, String what) {
        return new CheckpointException(CheckpointException.Kind.UNSUPPORTED, "sparse tensor " + t.key() + ": "
                + what + " are not supported");
    }
}
