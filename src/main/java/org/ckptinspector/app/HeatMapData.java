package org.ckptinspector.app;

import java.io.IOException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;

/**
 * A window of a tensor's {@link HeatLayout} for the heat map, reduced to at most {@code maxRows} × {@code maxCols}
 * cells, each the mean of the finite values of its block. One streaming pass over the values the window can
 * hold, memory bounded by the cell count.
 *
 * @param cells block means, NaN for a block without a finite value (or a gap between kernels)
 * @param layout where the values sit
 * @param row first layout row of the window
 * @param col first layout column of the window
 * @param rows layout rows in the window
 * @param cols layout columns in the window
 * @param rowsPerCell layout rows per cell (1 when not reduced)
 * @param colsPerCell layout columns per cell
 * @param min smallest cell value
 * @param max largest cell value
 */
public record HeatMapData(double[][] cells, HeatLayout layout, DType dtype, long row, long col, long rows,
        long cols, long rowsPerCell, long colsPerCell, double min, double max) {

    /** Whether a tensor can be drawn: at least 2 dimensions, nothing empty. */
    public static boolean applies(TensorRef t) {
        return t.rank() >= 2 && t.numel() > 1 && ValueReader.unreadableReason(t).isEmpty();
    }

    /** The whole of {@code t}'s {@link HeatLayout#initial initial} layout. */
    public static HeatMapData of(TensorRef t, int maxRows, int maxCols, TaskMonitor monitor) throws IOException {
        ValueReader reader = ValueReader.of(t);
        HeatLayout layout = HeatLayout.initial(shapeOf(t, reader));
        return of(reader, layout, 0, 0, layout.rows(), layout.cols(), maxRows, maxCols, monitor);
    }

    /** The shape of {@code t}'s values, the one layouts of it are made for. */
    public static long[] valueShape(TensorRef t) throws IOException {
        return shapeOf(t, ValueReader.of(t));
    }

    private static long[] shapeOf(TensorRef t, ValueReader reader) {
        return TensorSlice.valueShape(t.shape(), t.numel(), reader.size());
    }

    /** Rows {@code [row, row + rows)} and columns {@code [col, col + cols)} of {@code layout} of {@code t}. */
    public static HeatMapData of(TensorRef t, HeatLayout layout, long row, long col, long rows, long cols,
            int maxRows, int maxCols, TaskMonitor monitor) throws IOException {
        return of(ValueReader.of(t), layout, row, col, rows, cols, maxRows, maxCols, monitor);
    }

    private static HeatMapData of(ValueReader reader, HeatLayout layout, long row0, long col0, long rows, long cols,
            int maxRows, int maxCols, TaskMonitor monitor) throws IOException {
        long[] shape = shapeOf(reader.tensor(), reader);
        long rpc = Math.max(1, (rows + maxRows - 1) / maxRows);
        long cpc = Math.max(1, (cols + maxCols - 1) / maxCols);
        int h = (int) ((rows + rpc - 1) / rpc);
        int w = (int) ((cols + cpc - 1) / cpc);
        double[][] sum = new double[h][w];
        int[][] count = new int[h][w];
        long[] range = layout.flatRange(row0, col0, rows, cols);
        long[] index = TensorSlice.unflatten(shape, range[0]);
        long[] cell = new long[2];
        reader.forEach(range[0], range[1] - range[0], monitor, (values, n, firstIndex) -> {
            for (int i = 0; i < n; i++) {
                double v = values[i];
                if (Double.isFinite(v) && layout.cellOf(index, cell)) {
                    long r = cell[0] - row0;
                    long c = cell[1] - col0;
                    if (r >= 0 && c >= 0 && r < rows && c < cols) {
                        int y = (int) (r / rpc);
                        int x = (int) (c / cpc);
                        sum[y][x] += v;
                        count[y][x]++;
                    }
                }
                for (int d = index.length - 1; d >= 0 && ++index[d] >= shape[d]; d--) {
                    if (d > 0) {
                        index[d] = 0;
                    }
                }
            }
        });
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double m = count[y][x] == 0 ? Double.NaN : sum[y][x] / count[y][x];
                sum[y][x] = m;
                if (!Double.isNaN(m)) {
                    min = Math.min(min, m);
                    max = Math.max(max, m);
                }
            }
        }
        return new HeatMapData(sum, layout, reader.tensor().dtype(), row0, col0, rows, cols, rpc, cpc, min, max);
    }

    /** Whether values are drawn on a diverging scale around zero (they have both signs). */
    public boolean diverging() {
        return min < 0 && max > 0;
    }

    /** Whether a cell holds one value rather than a block's mean. */
    public boolean exact() {
        return rowsPerCell == 1 && colsPerCell == 1;
    }

    /**
     * What a cell shows, for the pointer's readout: the element's index and value, or a block's layout rows and
     * columns and its mean; empty for a gap between kernels.
     */
    public String describe(int y, int x) {
        double v = cells[y][x];
        long r = row + y * rowsPerCell;
        long c = col + x * colsPerCell;
        if (exact()) {
            long[] index = layout.indexAt(r, c);
            return index == null ? "" : java.util.Arrays.toString(index) + " = " + PreviewGrid.exact(v, dtype);
        }
        long r1 = Math.min(row + rows, r + rowsPerCell) - 1;
        long c1 = Math.min(col + cols, c + colsPerCell) - 1;
        return "rows " + r + "–" + r1 + " × columns " + c + "–" + c1 + ": mean " + Formats.number(v);
    }
}
