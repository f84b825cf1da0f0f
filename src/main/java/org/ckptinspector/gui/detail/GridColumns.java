package org.ckptinspector.gui.detail;

import java.util.Arrays;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import org.ckptinspector.app.PreviewGrid;

/**
 * Where a {@link ValueGrid}'s columns are: the index column's width, then each value column wide enough for its
 * longest text and its header.
 */
final class GridColumns {
    private static final double PAD = 10;
    private static final double MIN_VALUE_WIDTH = 56;
    private static final double MIN_INDEX_WIDTH = 40;

    private final double indexWidth;
    /** Left edge of each value column and, last, the right edge of the last one, from the index column's edge. */
    private final double[] edges;

    private GridColumns(double indexWidth, double[] edges) {
        this.indexWidth = indexWidth;
        this.edges = edges;
    }

    /** Measures once per column: its longest text (by characters) is its widest in a monospaced font. */
    static GridColumns of(PreviewGrid grid, Font font) {
        int cols = grid.shownColumns();
        String[] longest = new String[cols];
        Arrays.fill(longest, "");
        String longestLabel = "";
        for (int r = 0; r < grid.values().length; r++) {
            for (int c = 0; c < cols; c++) {
                longest[c] = longer(longest[c], grid.cell(r, c));
            }
            longestLabel = longer(longestLabel, grid.rowLabels().get(r));
        }
        Text probe = new Text();
        probe.setFont(font);
        double[] edges = new double[cols + 1];
        for (int c = 0; c < cols; c++) {
            double w = Math.max(width(probe, longest[c]), width(probe, Integer.toString(c)));
            edges[c + 1] = edges[c] + Math.ceil(Math.max(MIN_VALUE_WIDTH, w + 2 * PAD));
        }
        return new GridColumns(Math.ceil(Math.max(MIN_INDEX_WIDTH, width(probe, longestLabel) + 2 * PAD)), edges);
    }

    private static String longer(String a, String b) {
        return b.length() > a.length() ? b : a;
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

    int count() {
        return edges.length - 1;
    }

    /** Left edge of value column {@code c}, from the index column's right edge. */
    double left(int c) {
        return edges[c];
    }

    double width(int c) {
        return edges[c + 1] - edges[c];
    }

    /** Index column and all value columns. */
    double total() {
        return indexWidth + edges[edges.length - 1];
    }

    /** The value column at {@code x} from the index column's right edge, or -1 outside all. */
    int at(double x) {
        int i = Arrays.binarySearch(edges, x);
        int c = i >= 0 ? i : -i - 2;
        return c < 0 || c >= count() ? -1 : c;
    }
}
