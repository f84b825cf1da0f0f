package org.ckptinspector.app;

/**
 * How a heat map places a tensor's values on a matrix of cells: a {@link Plane} of two dimensions, or for a
 * convolution weight {@code [out, in, kh, kw]} the {@link Kernels} as a grid of small kh × kw images.
 */
public sealed interface HeatLayout {
    long rows();

    long cols();

    /** Writes the cell of the element at {@code index} to {@code cell} as {row, col}; false if not shown. */
    boolean cellOf(long[] index, long[] cell);

    /** The element shown in a cell, or null for a cell between kernels. */
    long[] indexAt(long row, long col);

    /**
     * The first and last-plus-one row-major positions of the values shown in rows {@code [row, row + rows)} and
     * columns {@code [col, col + cols)} (and maybe others between them).
     */
    long[] flatRange(long row, long col, long rows, long cols);

    /** What the rows count (for the axis title). */
    String rowTitle();

    String colTitle();

    /** A row's label on the axis, or null where the axis puts none (inside a kernel). */
    String rowTick(long row);

    String colTick(long col);

    /**
     * The layout a heat map starts with: a convolution weight's kernels (rank 4 with kernels larger than 1 × 1),
     * else the plane of the last two dimensions at index 0 of the others.
     */
    static HeatLayout initial(long[] shape) {
        if (Kernels.applies(shape)) {
            return Kernels.of(shape);
        }
        return new Plane(TensorSlice.initial(shape, 1));
    }

    /** The plane of a {@link TensorSlice} (rank 2 or more): row and column are the indices along its two dims. */
    record Plane(TensorSlice slice) implements HeatLayout {
        @Override
        public long rows() {
            return slice.rows();
        }

        @Override
        public long cols() {
            return slice.cols();
        }

        @Override
        public boolean cellOf(long[] index, long[] cell) {
            if (!slice.shows(index)) {
                return false;
            }
            cell[0] = index[slice.rowDim()];
            cell[1] = index[slice.colDim()];
            return true;
        }

        @Override
        public long[] indexAt(long row, long col) {
            return slice.index(row, col);
        }

        @Override
        public long[] flatRange(long row, long col, long rows, long cols) {
            return new long[] {slice.flat(row, col), slice.flat(row + rows - 1, col + cols - 1) + 1};
        }

        @Override
        public String rowTitle() {
            return "dim " + slice.rowDim();
        }

        @Override
        public String colTitle() {
            return "dim " + slice.colDim();
        }

        @Override
        public String rowTick(long row) {
            return Long.toString(row);
        }

        @Override
        public String colTick(long col) {
            return Long.toString(col);
        }
    }

    /**
     * The kernels of a weight {@code [out, in, kh, kw]}: kernel (o, i) is a kh × kw block at block row o and
     * block column i, with a one-cell gap between blocks. When there are many more output than input channels,
     * the output channels wrap into {@code groups} side-by-side columns of blocks, so the map is closer to
     * square than a strip.
     */
    record Kernels(long out, long in, long kh, long kw, long groups) implements HeatLayout {
        /** Whether {@code shape} is a convolution weight with kernels of more than one value. */
        public static boolean applies(long[] shape) {
            return shape.length == 4 && shape[2] * shape[3] > 1 && shape[0] > 0 && shape[1] > 0;
        }

        /** The layout of {@code shape}'s kernels, wrapped so the map's sides are as close as they get. */
        public static Kernels of(long[] shape) {
            long out = shape[0];
            long in = shape[1];
            double tall = (double) out * (shape[2] + 1);
            double wide = (double) in * (shape[3] + 1);
            long groups = Math.max(1, Math.min(out, Math.round(Math.sqrt(tall / wide))));
            return new Kernels(out, in, shape[2], shape[3], groups);
        }

        private long perGroup() {
            return (out + groups - 1) / groups;
        }

        @Override
        public long rows() {
            return perGroup() * (kh + 1) - 1;
        }

        @Override
        public long cols() {
            return groups * in * (kw + 1) - 1;
        }

        @Override
        public boolean cellOf(long[] index, long[] cell) {
            long group = index[0] / perGroup();
            long blockRow = index[0] % perGroup();
            long blockCol = group * in + index[1];
            cell[0] = blockRow * (kh + 1) + index[2];
            cell[1] = blockCol * (kw + 1) + index[3];
            return true;
        }

        @Override
        public long[] indexAt(long row, long col) {
            long y = row % (kh + 1);
            long x = col % (kw + 1);
            if (y == kh || x == kw) {
                return null;
            }
            long blockCol = col / (kw + 1);
            long o = blockCol / in * perGroup() + row / (kh + 1);
            return o >= out ? null : new long[] {o, blockCol % in, y, x};
        }

        @Override
        public long[] flatRange(long row, long col, long rows, long cols) {
            return new long[] {0, out * in * kh * kw};
        }

        @Override
        public String rowTitle() {
            return "out channel";
        }

        @Override
        public String colTitle() {
            return "in channel";
        }

        @Override
        public String rowTick(long row) {
            return row % (kh + 1) == 0 ? Long.toString(row / (kh + 1)) : null;
        }

        /**
         * The in channel at a kernel's first column; at the first kernel of a further column of out channels,
         * what it adds to the row's out channel ({@code +13}).
         */
        @Override
        public String colTick(long col) {
            if (col % (kw + 1) != 0) {
                return null;
            }
            long block = col / (kw + 1);
            return block % in == 0 && block > 0 ? "+" + block / in * perGroup() : Long.toString(block % in);
        }
    }
}
