package org.ckptinspector.app;

/**
 * The values of a rectangle of a {@link PreviewGrid}'s cells, read and formatted together: rows
 * {@code [firstRow, firstRow + rows)} and columns {@code [firstCol, firstCol + cols)}.
 *
 * @param values the values, NaN where a cell has none (past the end of a wrapped vector)
 * @param texts the values as the grid shows them, null where a cell has none
 */
public record ValuePage(long firstRow, long firstCol, double[][] values, String[][] texts) {

    public int rows() {
        return values.length;
    }

    public int cols() {
        return values.length == 0 ? 0 : values[0].length;
    }

    /** Whether the page holds all cells of rows {@code [r0, r1)} and columns {@code [c0, c1)}. */
    public boolean covers(long r0, long r1, long c0, long c1) {
        return r0 >= firstRow && c0 >= firstCol && r1 <= firstRow + rows() && c1 <= firstCol + cols();
    }

    /** A cell's text, or null when the page does not hold it or it has no value. */
    public String text(long row, long col) {
        long r = row - firstRow;
        long c = col - firstCol;
        return r < 0 || c < 0 || r >= rows() || c >= cols() ? null : texts[(int) r][(int) c];
    }

    /** A cell's value; call only where {@link #text} is not null. */
    public double value(long row, long col) {
        return values[(int) (row - firstRow)][(int) (col - firstCol)];
    }
}
