package org.ckptinspector.app;

import java.util.Arrays;

/**
 * Which values of a tensor a 2-D view shows, as a matrix of {@link #rows()} × {@link #cols()} cells: for rank 2
 * and more, the plane spanned by {@code rowDim} and {@code colDim} with every other dimension fixed at its entry
 * of {@code fixed}; a vector wraps into rows of {@code wrap} values; a scalar is one cell. Cells map to the
 * values' row-major (flat) order, so a view reads only the cells it shows.
 *
 * @param shape the shape of the values (the tensor's, see {@link #valueShape})
 * @param rowDim the dimension along the rows (-1 for a vector or scalar)
 * @param colDim the dimension along the columns (0 for a vector, -1 for a scalar)
 * @param fixed an index per dimension; the entries of {@code rowDim} and {@code colDim} are not used
 * @param wrap values per row of a vector (unused otherwise)
 */
public record TensorSlice(long[] shape, int rowDim, int colDim, long[] fixed, int wrap) {

    public TensorSlice {
        shape = shape.clone();
        fixed = fixed.clone();
    }

    /**
     * The plane of the last two dimensions longer than 1 (so a 1 × 1 convolution shows out × in), at index 0 of
     * the others; a vector in rows of {@code wrap}; a scalar.
     */
    public static TensorSlice initial(long[] shape, int wrap) {
        int rank = shape.length;
        if (rank == 0) {
            return new TensorSlice(shape, -1, -1, new long[0], 1);
        }
        if (rank == 1) {
            return new TensorSlice(shape, -1, 0, new long[1], Math.max(1, wrap));
        }
        int col = rank - 1;
        while (col > 0 && shape[col] == 1) {
            col--;
        }
        int row = col - 1;
        while (row > 0 && shape[row] == 1) {
            row--;
        }
        if (row < 0 || shape[col] == 1 || shape[row] == 1 && col == rank - 1) {
            row = rank - 2;
            col = rank - 1;
        }
        return new TensorSlice(shape, row, col, new long[rank], wrap);
    }

    /**
     * The shape of a tensor's values as a {@link org.ckptinspector.values.ValueReader} yields them: the tensor's
     * shape, with the last dimension multiplied when a stored element gives several values ({@code size} is
     * the reader's value count).
     */
    public static long[] valueShape(long[] shape, long numel, long size) {
        if (size == numel || numel == 0) {
            return shape.clone();
        }
        long per = size / numel;
        if (shape.length == 0) {
            return new long[] {size};
        }
        long[] s = shape.clone();
        s[s.length - 1] *= per;
        return s;
    }

    public int rank() {
        return shape.length;
    }

    /** Whether the view can choose a plane and fixed indices: rank 3 and more. */
    public boolean sliceable() {
        return shape.length >= 3;
    }

    public long rows() {
        return switch (rank()) {
            case 0 -> 1;
            case 1 -> shape[0] == 0 ? 0 : (shape[0] + wrap - 1) / wrap;
            default -> shape[rowDim];
        };
    }

    public long cols() {
        return switch (rank()) {
            case 0 -> 1;
            case 1 -> Math.min(shape[0], wrap);
            default -> shape[colDim];
        };
    }

    /** The same plane turned to another pair of dimensions; choosing the other one's dimension swaps them. */
    public TensorSlice withDims(int rows, int cols) {
        if (rank() < 2 || rows == cols || rows < 0 || cols < 0 || rows >= rank() || cols >= rank()) {
            return this;
        }
        return new TensorSlice(shape, rows, cols, fixed, wrap);
    }

    /** The row dimension set to {@code dim}, swapping with the column dimension if it was that. */
    public TensorSlice withRowDim(int dim) {
        return dim == colDim ? withDims(dim, rowDim) : withDims(dim, colDim);
    }

    /** The column dimension set to {@code dim}, swapping with the row dimension if it was that. */
    public TensorSlice withColDim(int dim) {
        return dim == rowDim ? withDims(colDim, dim) : withDims(rowDim, dim);
    }

    /** The fixed index of dimension {@code dim} set to {@code i}, clamped to the dimension. */
    public TensorSlice withIndex(int dim, long i) {
        long[] f = fixed.clone();
        f[dim] = Math.max(0, Math.min(shape[dim] - 1, i));
        return new TensorSlice(shape, rowDim, colDim, f, wrap);
    }

    /** The slice showing the element at {@code index} (its other indices become the fixed ones). */
    public TensorSlice containing(long[] index) {
        if (rank() < 2) {
            return this;
        }
        return new TensorSlice(shape, rowDim, colDim, index, wrap);
    }

    /** The row and column of the element at {@code index} in {@link #containing}{@code (index)}. */
    public long[] cellOf(long[] index) {
        return switch (rank()) {
            case 0 -> new long[] {0, 0};
            case 1 -> new long[] {index[0] / wrap, index[0] % wrap};
            default -> new long[] {index[rowDim], index[colDim]};
        };
    }

    /** Whether the cell holds a value (the last row of a wrapped vector may be short). */
    public boolean has(long row, long col) {
        return row >= 0 && col >= 0 && row < rows() && col < cols() && (rank() != 1 || row * wrap + col < shape[0]);
    }

    /** The element's index in the tensor, one entry per dimension. */
    public long[] index(long row, long col) {
        return switch (rank()) {
            case 0 -> new long[0];
            case 1 -> new long[] {row * wrap + col};
            default -> {
                long[] i = fixed.clone();
                i[rowDim] = row;
                i[colDim] = col;
                yield i;
            }
        };
    }

    /** The element's position in the values' row-major order. */
    public long flat(long row, long col) {
        return flatOf(shape, index(row, col));
    }

    /** Distance in the flat order between neighbouring cells of a row. */
    public long colStride() {
        return rank() < 2 ? 1 : strideOf(shape, colDim);
    }

    /** Distance in the flat order between neighbouring cells of a column. */
    public long rowStride() {
        return switch (rank()) {
            case 0 -> 1;
            case 1 -> wrap;
            default -> strideOf(shape, rowDim);
        };
    }

    /** The label in front of a row: the row's index along its dimension, or a wrapped vector's first index. */
    public long rowLabel(long row) {
        return rank() == 1 ? row * wrap : row;
    }

    /** Whether the element at {@code index} is in this slice's plane. */
    public boolean shows(long[] index) {
        for (int d = 0; d < rank(); d++) {
            if (d != rowDim && d != colDim && index[d] != fixed[d]) {
                return false;
            }
        }
        return true;
    }

    /** What the slice shows, e.g. {@code [2, :, 0, :]}; a vector's or scalar's is empty. */
    public String describe() {
        if (rank() < 3) {
            return "";
        }
        StringBuilder b = new StringBuilder("[");
        for (int d = 0; d < rank(); d++) {
            b.append(d == 0 ? "" : ", ").append(d == rowDim || d == colDim ? ":" : Long.toString(fixed[d]));
        }
        return b.append(']').toString();
    }

    /** Row-major stride of dimension {@code dim}, in values. */
    public static long strideOf(long[] shape, int dim) {
        return org.ckptinspector.model.TensorRef.contiguousStrides(shape)[dim];
    }

    /** Row-major position of {@code index}. */
    public static long flatOf(long[] shape, long[] index) {
        long flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat = flat * Math.max(1, shape[d]) + index[d];
        }
        return flat;
    }

    /** The index of row-major position {@code flat}. */
    public static long[] unflatten(long[] shape, long flat) {
        long[] index = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            long n = Math.max(1, shape[d]);
            index[d] = flat % n;
            flat /= n;
        }
        return index;
    }

    /**
     * Reads an element index as typed: {@code [1, 2, 3]}, {@code 1, 2, 3} or {@code (1 2 3)} with one entry
     * per dimension (negative entries count from the end, as in Python), or one number, a position in the
     * row-major order.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static long[] parseIndex(String text, long[] shape) {
        String t = text.strip().replaceAll("^[\\[(]|[\\])]$", "").strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("type an index such as " + example(shape));
        }
        String[] parts = t.split("\\s*[,\\s]\\s*");
        long[] n = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                n[i] = Long.parseLong(parts[i].replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + parts[i] + "\" is not an integer");
            }
        }
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        if (n.length == 1 && shape.length != 1) {
            long flat = n[0] < 0 ? numel + n[0] : n[0];
            if (flat < 0 || flat >= numel) {
                throw new IllegalArgumentException("position " + n[0] + " is outside 0 … " + (numel - 1));
            }
            return unflatten(shape, flat);
        }
        if (n.length != shape.length) {
            throw new IllegalArgumentException(n.length + " indices for " + shape.length + " dimensions "
                    + Arrays.toString(shape));
        }
        for (int d = 0; d < n.length; d++) {
            long i = n[d] < 0 ? shape[d] + n[d] : n[d];
            if (i < 0 || i >= shape[d]) {
                throw new IllegalArgumentException("index " + n[d] + " is outside dimension " + d + " of size "
                        + shape[d]);
            }
            n[d] = i;
        }
        return n;
    }

    private static String example(long[] shape) {
        long[] last = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            last[d] = Math.max(0, shape[d] - 1);
        }
        return Arrays.toString(last);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSlice s && rowDim == s.rowDim && colDim == s.colDim && wrap == s.wrap
                && Arrays.equals(shape, s.shape) && Arrays.equals(fixed, s.fixed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(fixed) + rowDim * 7 + colDim;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] fixed() {
        return fixed.clone();
    }

    @Override
    public String toString() {
        return "TensorSlice" + Arrays.toString(shape) + describe();
    }
}
