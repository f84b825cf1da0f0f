package org.ckptinspector.app;

import java.io.IOException;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;

/**
 * A matrix view of a tensor for the heat map: the last dimension as columns, the others flattened into rows,
 * reduced to at most {@code maxRows} × {@code maxCols} cells, each the mean of the finite values of its block.
 * One streaming pass, memory bounded by the cell count.
 *
 * @param cells block means, NaN for a block without a finite value
 * @param rowsPerCell matrix rows per cell (1 when not reduced)
 * @param colsPerCell matrix columns per cell
 * @param min smallest cell value
 * @param max largest cell value
 */
public record HeatMapData(double[][] cells, long rows, long cols, long rowsPerCell, long colsPerCell,
        double min, double max) {

    /** Whether a tensor can be drawn: at least 2 dimensions, nothing empty. */
    public static boolean applies(TensorRef t) {
        return t.rank() >= 2 && t.numel() > 1 && ValueReader.unreadableReason(t).isEmpty();
    }

    public static HeatMapData of(TensorRef t, int maxRows, int maxCols, TaskMonitor monitor) throws IOException {
        ValueReader reader = ValueReader.of(t);
        long cols = t.dim(t.rank() - 1);
        long rows = reader.size() / Math.max(cols, 1);
        long rpc = Math.max(1, (rows + maxRows - 1) / maxRows);
        long cpc = Math.max(1, (cols + maxCols - 1) / maxCols);
        int h = (int) ((rows + rpc - 1) / rpc);
        int w = (int) ((cols + cpc - 1) / cpc);
        double[][] sum = new double[h][w];
        int[][] count = new int[h][w];
        reader.forEach(monitor, (values, n, firstIndex) -> {
            long r = firstIndex / cols;
            long c = firstIndex % cols;
            for (int i = 0; i < n; i++) {
                double v = values[i];
                if (Double.isFinite(v)) {
                    int y = (int) (r / rpc);
                    int x = (int) (c / cpc);
                    sum[y][x] += v;
                    count[y][x]++;
                }
                if (++c == cols) {
                    c = 0;
                    r++;
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
        return new HeatMapData(sum, rows, cols, rpc, cpc, min, max);
    }

    /** Whether values are drawn on a diverging scale around zero (they have both signs). */
    public boolean diverging() {
        return min < 0 && max > 0;
    }
}
