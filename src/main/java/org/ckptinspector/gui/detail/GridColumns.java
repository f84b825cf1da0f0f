package org.ckptinspector.gui.detail;

import javafx.scene.text.Font;
import javafx.scene.text.Text;
import org.ckptinspector.app.PreviewGrid;
import org.ckptinspector.app.ValuePage;

/**
 * Where a {@link ValueGrid}'s columns are: the index column, wide enough for the largest row label, then value
 * columns of one width, enough for the longest text read so far and the largest column index. One width for
 * all lets the grid place any of millions of columns without reading them; a page with a longer text widens
 * them ({@link #fitting}).
 */
final class GridColumns {
    private static final double PAD = 10;
    private static final double MIN_VALUE_WIDTH = 56;
    private static final double MIN_INDEX_WIDTH = 40;

    private final double indexWidth;
    private final double width;
    private final long count;

    private GridColumns(double indexWidth, double width, long count) {
        this.indexWidth = indexWidth;
        this.width = width;
        this.count = count;
    }

    /** Measures the first page's longest text (by characters: the widest in a monospaced font). */
    static GridColumns of(PreviewGrid grid, Font font) {
        String longest = longest(grid.firstPage());
        long cols = grid.totalColumns();
        long rows = grid.totalRows();
        String header = Long.toString(Math.max(0, cols - 1));
        String label = Long.toString(grid.slice().rowLabel(Math.max(0, rows - 1)));
        Text probe = new Text();
        probe.setFont(font);
        double w = Math.max(width(probe, longest), width(probe, header));
        return new GridColumns(Math.ceil(Math.max(MIN_INDEX_WIDTH, width(probe, label) + 2 * PAD)),
                Math.ceil(Math.max(MIN_VALUE_WIDTH, w + 2 * PAD)), cols);
    }

    /** These columns, or wider ones when {@code page} has a longer text than fits. */
    GridColumns fitting(ValuePage page, Font font) {
        Text probe = new Text();
        probe.setFont(font);
        double w = Math.ceil(width(probe, longest(page)) + 2 * PAD);
        return w <= width ? this : new GridColumns(indexWidth, w, count);
    }

    private static String longest(ValuePage page) {
        String longest = "";
        for (String[] row : page.texts()) {
            for (String s : row) {
                longest = s != null && s.length() > longest.length() ? s : longest;
            }
        }
        return longest;
    }

    private static double width(Text probe, String s) {
        probe.setText(s);
        return probe.getLayoutBounds().getWidth();
    }

    /** Room between a cell's text and its column's edge. */
    static double padding() {
        return PAD;
    }

    double indexWidth() {
        return indexWidth;
    }

    long count() {
        return count;
    }

    /** Left edge of value column {@code c}, from the index column's right edge. */
    double left(long c) {
        return c * width;
    }

    double width() {
        return width;
    }

    /** Index column and all value columns. */
    double total() {
        return indexWidth + count * width;
    }

    /** The value column at {@code x} from the index column's right edge, or -1 outside all. */
    long at(double x) {
        long c = (long) Math.floor(x / width);
        return x < 0 || c >= count ? -1 : c;
    }
}
