package org.ckptinspector.app;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.ValueReader;

/**
 * The first rows and columns of a tensor's values as a matrix: the last dimension gives the columns and the
 * leading ones are flattened into rows (labelled with their index); a vector wraps into rows of the column
 * limit, a scalar is one cell.
 *
 * @param rowLabels one label per shown row ({@code [0, 3]} for rank 3, the first index for a vector)
 * @param values shown rows × shown columns
 * @param texts the values as the grid shows them, formatted with the values (off the FX thread), since
 *     formatting a thousand numbers as the table lays its cells out would stall the window
 * @param totalRows rows of the whole matrix
 * @param totalColumns columns of the whole matrix
 * @param shape the tensor's shape
 */
public record PreviewGrid(List<String> rowLabels, double[][] values, String[][] texts, long totalRows,
        long totalColumns, DType dtype, long[] shape) {

    /** Reads at most {@code maxRows} × {@code maxCols} values; only those bytes are touched. */
    public static PreviewGrid of(TensorRef t, int maxRows, int maxCols) throws IOException {
        ValueReader reader = ValueReader.of(t);
        long size = reader.size();
        long[] shape = t.shape();
        long cols;
        if (shape.length == 0) {
            cols = 1;
        } else if (shape.length == 1) {
            cols = Math.min(size, maxCols);
        } else {
            long leading = 1;
            for (int i = 0; i < shape.length - 1; i++) {
                leading = Math.multiplyExact(leading, shape[i]);
            }
            cols = leading == 0 ? 0 : size / leading;
        }
        long rows = cols == 0 ? 0 : (size + cols - 1) / cols;
        int shownRows = (int) Math.min(rows, maxRows);
        int shownCols = (int) Math.min(cols, maxCols);
        double[][] values = new double[shownRows][];
        String[][] texts = new String[shownRows][];
        List<String> labels = new ArrayList<>();
        for (int r = 0; r < shownRows; r++) {
            long first = r * cols;
            int n = (int) Math.min(shownCols, size - first);
            values[r] = reader.read(first, n);
            texts[r] = new String[n];
            for (int c = 0; c < n; c++) {
                texts[r][c] = text(values[r][c], t.dtype());
            }
            labels.add(rowLabel(shape, r, cols));
        }
        return new PreviewGrid(labels, values, texts, rows, cols, t.dtype(), shape);
    }

    public int shownColumns() {
        return values.length == 0 ? 0 : values[0].length;
    }

    /** A cell's text, empty past the end of a short last row. */
    public String cell(int row, int col) {
        return col >= texts[row].length ? "" : texts[row][col];
    }

    /** The element's index in the tensor, {@code [i, j, …]}; a scalar's is {@code []}. */
    public String position(int row, int col) {
        long flat = row * totalColumns + col;
        long[] index = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            index[i] = shape[i] == 0 ? 0 : flat % shape[i];
            flat = shape[i] == 0 ? 0 : flat / shape[i];
        }
        return java.util.Arrays.toString(index);
    }

    /** A cell's value in full: the digits that tell it apart from its float32 neighbours (float64 for 8-byte types). */
    public String exact(int row, int col) {
        double v = values[row][col];
        return switch (dtype.kind()) {
            case BOOL, INT, UINT, RAW -> text(v, dtype);
            default -> Double.isNaN(v) || Double.isInfinite(v) ? text(v, dtype)
                    : dtype.itemSize() <= 4 || dtype.kind() == DType.Kind.BLOCK ? Float.toString((float) v)
                    : Double.toString(v);
        };
    }

    /** All shown values in full, a line per row and a tab between columns (for the clipboard). */
    public String exactBlock() {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < values.length; r++) {
            for (int c = 0; c < values[r].length; c++) {
                b.append(c == 0 ? "" : "\t").append(exact(r, c));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** Integers and bools as such, floats with 6 significant digits. */
    private static String text(double v, DType dtype) {
        return switch (dtype.kind()) {
            case BOOL -> v != 0 ? "True" : "False";
            case INT, UINT, RAW -> Double.isFinite(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                    : org.ckptinspector.app.Formats.number(v);
            default -> org.ckptinspector.app.Formats.number(v);
        };
    }

    private static String rowLabel(long[] shape, long row, long cols) {
        if (shape.length <= 1) {
            return Long.toString(row * cols);
        }
        long[] index = new long[shape.length - 1];
        long rest = row;
        for (int i = index.length - 1; i >= 0; i--) {
            index[i] = shape[i] == 0 ? 0 : rest % shape[i];
            rest = shape[i] == 0 ? 0 : rest / shape[i];
        }
        return index.length == 1 ? Long.toString(index[0]) : java.util.Arrays.toString(index);
    }
}
