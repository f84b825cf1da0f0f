package org.ckptinspector.app;

import java.io.IOException;
import java.util.Arrays;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.ValueReader;

/**
 * A tensor's values as a matrix that is read a page at a time: the cells of a {@link TensorSlice} (the plane of
 * two dimensions at fixed indices of the others, a vector in rows, or a scalar). Nothing is read but the pages
 * asked for, so a view can page through a tensor of any size. Immutable; {@link #withSlice} shows another plane
 * of the same values.
 */
public final class PreviewGrid {
    /** Above this many values between a page row's first and last cell, the cells are read one by one. */
    private static final long MAX_SPAN = 1 << 16;

    private final TensorRef tensor;
    private final ValueReader reader;
    private final TensorSlice slice;
    private final ValuePage first;

    private PreviewGrid(TensorRef tensor, ValueReader reader, TensorSlice slice, ValuePage first) {
        this.tensor = tensor;
        this.reader = reader;
        this.slice = slice;
        this.first = first;
    }

    /**
     * The grid of {@code t}'s values in its {@link TensorSlice#initial initial} slice (a vector in rows of
     * {@code maxCols}), with the first {@code maxRows} × {@code maxCols} cells read; only those bytes are touched.
     */
    public static PreviewGrid of(TensorRef t, int maxRows, int maxCols) throws IOException {
        ValueReader reader = ValueReader.of(t);
        TensorSlice slice = TensorSlice.initial(TensorSlice.valueShape(t.shape(), t.numel(), reader.size()),
                maxCols);
        return new PreviewGrid(t, reader, slice, read(reader, t.dtype(), slice, 0, maxRows, 0, maxCols));
    }

    /** The same values in {@code s}, with its first page read as large as this grid's. */
    public PreviewGrid withSlice(TensorSlice s) throws IOException {
        return new PreviewGrid(tensor, reader, s, read(reader, dtype(), s, 0, first.rows(), 0, first.cols()));
    }

    public TensorRef tensor() {
        return tensor;
    }

    public TensorSlice slice() {
        return slice;
    }

    /** The page read with the grid: its first rows and columns. */
    public ValuePage firstPage() {
        return first;
    }

    public DType dtype() {
        return tensor.dtype();
    }

    /** The shape of the values (the tensor's, see {@link TensorSlice#valueShape}). */
    public long[] shape() {
        return slice.shape();
    }

    public long totalRows() {
        return slice.rows();
    }

    public long totalColumns() {
        return slice.cols();
    }

    /** Reads and formats cells {@code [row, row + rows) × [col, col + cols)}, clipped to the grid. */
    public ValuePage page(long row, int rows, long col, int cols) throws IOException {
        return read(reader, dtype(), slice, row, rows, col, cols);
    }

    private static ValuePage read(ValueReader reader, DType dtype, TensorSlice s, long row, int rows, long col,
            int cols) throws IOException {
        long r0 = Math.max(0, Math.min(row, s.rows()));
        long c0 = Math.max(0, Math.min(col, s.cols()));
        int nr = (int) Math.max(0, Math.min(rows, s.rows() - r0));
        int nc = (int) Math.max(0, Math.min(cols, s.cols() - c0));
        double[][] values = new double[nr][nc];
        String[][] texts = new String[nr][nc];
        long stride = s.colStride();
        long rowStride = s.rowStride();
        if (rowStride < stride && nr > 0) {
            // Columns lie closer together than rows (a transposed plane): read a column at a time.
            double[] line = new double[nr];
            for (int c = 0; c < nc; c++) {
                readLine(reader, s.flat(r0, c0 + c), rowStride, nr, line);
                for (int r = 0; r < nr; r++) {
                    values[r][c] = line[r];
                    texts[r][c] = text(line[r], dtype);
                }
            }
            return new ValuePage(r0, c0, values, texts);
        }
        for (int r = 0; r < nr; r++) {
            int n = nc;
            while (n > 0 && !s.has(r0 + r, c0 + n - 1)) {
                n--;
            }
            double[] v = values[r];
            Arrays.fill(v, Double.NaN);
            readLine(reader, s.flat(r0 + r, c0), stride, n, v);
            for (int c = 0; c < n; c++) {
                texts[r][c] = text(v[c], dtype);
            }
        }
        return new ValuePage(r0, c0, values, texts);
    }

    /** Reads {@code n} values at {@code stride} apart from {@code flat}: in one read when they lie close. */
    private static void readLine(ValueReader reader, long flat, long stride, int n, double[] dst) throws IOException {
        if (n == 0) {
            return;
        }
        long span = (n - 1) * stride + 1;
        if (stride == 1) {
            reader.read(flat, dst, 0, n);
        } else if (span <= MAX_SPAN) {
            double[] all = reader.read(flat, (int) span);
            for (int i = 0; i < n; i++) {
                dst[i] = all[(int) (i * stride)];
            }
        } else {
            for (int i = 0; i < n; i++) {
                reader.read(flat + i * stride, dst, i, 1);
            }
        }
    }

    /** The element's index in the tensor, {@code [i, j, …]}; a scalar's is {@code []}. */
    public String position(long row, long col) {
        return Arrays.toString(slice.index(row, col));
    }

    /** Text and full value of a cell of {@code page}, as the pointer readout names it. */
    public String describe(ValuePage page, long row, long col) {
        return position(row, col) + " = " + exact(page.value(row, col), dtype());
    }

    /** A value in full: the digits that tell it apart from its float32 neighbours (float64 for 8-byte types). */
    public static String exact(double v, DType dtype) {
        return switch (dtype.kind()) {
            case BOOL, INT, UINT, RAW -> text(v, dtype);
            default -> Double.isNaN(v) || Double.isInfinite(v) ? text(v, dtype)
                    : dtype.itemSize() <= 4 || dtype.kind() == DType.Kind.BLOCK ? Float.toString((float) v)
                    : Double.toString(v);
        };
    }

    /** Cells {@code [r0, r1) × [c0, c1)} of {@code page} in full, a line per row and a tab between columns. */
    public String exactBlock(ValuePage page, long r0, long r1, long c0, long c1) {
        StringBuilder b = new StringBuilder();
        for (long r = r0; r < r1; r++) {
            for (long c = c0; c < c1; c++) {
                if (page.text(r, c) != null) {
                    b.append(c == c0 ? "" : "\t").append(exact(page.value(r, c), dtype()));
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Integers and bools as such, floats with 6 significant digits. */
    public static String text(double v, DType dtype) {
        return switch (dtype.kind()) {
            case BOOL -> v != 0 ? "True" : "False";
            case INT, UINT, RAW -> Double.isFinite(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                    : Formats.number(v);
            default -> Formats.number(v);
        };
    }
}
