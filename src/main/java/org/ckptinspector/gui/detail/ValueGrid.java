package org.ckptinspector.gui.detail;

import java.util.Locale;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Orientation;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollBar;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import org.ckptinspector.app.PreviewGrid;
import org.ckptinspector.app.ValuePage;

/**
 * A {@link PreviewGrid} drawn on one canvas: a header row with the column indices and an index column with the
 * row labels, both staying in place while the cells scroll under them. The scroll bars span the whole slice;
 * only the cells in view are read (a page around them at a time) and drawn: one node, where a table view
 * builds, styles and lays out a control per cell (see bench/README.md). Pointing at a cell names its index and
 * full-precision value ({@link #pointedProperty()}); {@link #reveal} scrolls to a cell and marks it; Ctrl+C
 * (or the context menu) copies the cells in view as tab-separated full-precision values.
 */
final class ValueGrid extends Region {
    private static final double ROW_HEIGHT = 24;
    /** Rows and columns read beyond those in view, so that scrolling a little reads nothing. */
    private static final int MARGIN_ROWS = 64;
    private static final int MARGIN_COLS = 16;
    /** Slices up to this many cells are copied whole. */
    private static final long MAX_COPY = 100_000;
    private static final Color TEXT = Color.web("#1d2330");
    private static final Color MUTED = Color.web("#6b7383");
    private static final Color LINE = Color.web("#e2e5ea");
    private static final Color HEADER = Color.web("#f3f4f7");
    private static final Color STRIPE = Color.web("#fafbfc");
    private static final Color HOVER_ROW = Color.web("#eef1f6");
    private static final Color HOVER_CELL = Color.web("#dfe5ff");
    private static final Color MARKED = Color.web("#4a63e7");
    private static final KeyCombination COPY = new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN);

    private PreviewGrid grid;
    private ValuePage page;
    private final Font font = MonoFont.get();
    private final Canvas canvas = new Canvas();
    private final ScrollBar vbar = new ScrollBar();
    private final ScrollBar hbar = new ScrollBar();
    private GridColumns columns;
    private final ReadOnlyStringWrapper pointed = new ReadOnlyStringWrapper(this, "pointed", "");
    private long hoverRow = -1;
    private long hoverCol = -1;
    private long markRow = -1;
    private long markCol = -1;
    private double mouseX = -1;
    private double mouseY = -1;

    ValueGrid(PreviewGrid grid) {
        this.grid = grid;
        this.page = grid.firstPage();
        this.columns = GridColumns.of(grid, font);
        getStyleClass().add("value-grid");
        // Hugs a small preview; a large one takes the room it is given and scrolls.
        setMaxSize(USE_PREF_SIZE, USE_PREF_SIZE);
        setFocusTraversable(true);
        vbar.setOrientation(Orientation.VERTICAL);
        vbar.setUnitIncrement(ROW_HEIGHT);
        hbar.setUnitIncrement(40);
        // Scrolling moves the cells under a still mouse.
        vbar.valueProperty().addListener((o, a, b) -> point(mouseX, mouseY, true));
        hbar.valueProperty().addListener((o, a, b) -> point(mouseX, mouseY, true));
        getChildren().addAll(canvas, vbar, hbar);
        addEventHandler(ScrollEvent.SCROLL, this::scroll);
        canvas.addEventHandler(MouseEvent.MOUSE_MOVED, e -> point(e.getX(), e.getY(), false));
        canvas.addEventHandler(MouseEvent.MOUSE_EXITED, e -> point(-1, -1, false));
        canvas.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            requestFocus();
            // Or the tab pane around takes the focus back as the press bubbles up to it.
            e.consume();
        });
        addEventHandler(KeyEvent.KEY_PRESSED, this::key);
        setOnContextMenuRequested(e -> {
            MenuItem copy = new MenuItem("Copy values");
            copy.setOnAction(a -> copy());
            new ContextMenu(copy).show(this, e.getScreenX(), e.getScreenY());
        });
    }

    /** The index and full value of the cell under the mouse, or what Ctrl+C copied; empty otherwise. */
    ReadOnlyStringProperty pointedProperty() {
        return pointed.getReadOnlyProperty();
    }

    PreviewGrid grid() {
        return grid;
    }

    /** Shows another slice of the same tensor, from its first cell. */
    void setGrid(PreviewGrid g) {
        grid = g;
        page = g.firstPage();
        columns = GridColumns.of(g, font);
        markRow = -1;
        markCol = -1;
        vbar.setValue(0);
        hbar.setValue(0);
        requestLayout();
        point(mouseX, mouseY, true);
    }

    /** Scrolls the cell at ({@code row}, {@code col}) into view, marks it and names it as if pointed at. */
    void reveal(long row, long col) {
        markRow = row;
        markCol = col;
        layout();
        double viewH = canvas.getHeight() - ROW_HEIGHT;
        double viewW = canvas.getWidth() - columns.indexWidth();
        double y = row * ROW_HEIGHT;
        if (y < vbar.getValue() || y + ROW_HEIGHT > vbar.getValue() + viewH) {
            vbar.setValue(clamp(vbar, y - Math.max(0, viewH - ROW_HEIGHT) / 2));
        }
        double x = columns.left(col);
        if (x < hbar.getValue() || x + columns.width() > hbar.getValue() + viewW) {
            hbar.setValue(clamp(hbar, x - Math.max(0, viewW - columns.width()) / 2));
        }
        draw();
        if (page.text(row, col) != null) {
            pointed.set(grid.describe(page, row, col));
        }
    }

    /** The cell marked by {@link #reveal}, as {row, col}, or null. */
    long[] marked() {
        return markRow < 0 ? null : new long[] {markRow, markCol};
    }

    /**
     * Puts the slice's values on the clipboard, or the cells in view when the slice has more than
     * {@value #MAX_COPY} cells: one line per row, tab between columns, full precision.
     */
    void copy() {
        long[] v = inView();
        ValuePage source = page;
        if (grid.totalRows() * grid.totalColumns() <= MAX_COPY) {
            v = new long[] {0, grid.totalRows() - 1, 0, grid.totalColumns() - 1};
            try {
                source = grid.page(0, (int) grid.totalRows(), 0, (int) grid.totalColumns());
            } catch (java.io.IOException | RuntimeException e) {
                pointed.set(org.ckptinspector.app.ErrorMessages.of(e));
                return;
            }
        }
        ClipboardContent content = new ClipboardContent();
        content.putString(grid.exactBlock(source, v[0], v[1] + 1, v[2], v[3] + 1));
        Clipboard.getSystemClipboard().setContent(content);
        pointed.set(String.format(Locale.ROOT, "Copied %d × %d values", v[1] - v[0] + 1, v[3] - v[2] + 1));
    }

    private double contentWidth() {
        return columns.total();
    }

    private double contentHeight() {
        return ROW_HEIGHT * (grid.totalRows() + 1);
    }

    @Override
    protected double computePrefWidth(double height) {
        // Room for the vertical scroll bar when the rows will not all fit, so the columns need no horizontal one.
        double shown = getHeight() > 0 ? getHeight() : 400;
        boolean tall = contentHeight() > shown - snappedTopInset() - snappedBottomInset();
        return snappedLeftInset() + contentWidth() + (tall ? vbar.prefWidth(-1) : 0) + snappedRightInset();
    }

    /** The height depends on the width: a grid narrower than its columns needs room for the scroll bar. */
    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computePrefHeight(double width) {
        boolean narrow = width >= 0 && width - snappedLeftInset() - snappedRightInset() < contentWidth();
        return snappedTopInset() + Math.min(contentHeight(), 1e5) + (narrow ? hbar.prefHeight(-1) : 0)
                + snappedBottomInset();
    }

    @Override
    protected double computeMinHeight(double width) {
        return snappedTopInset() + ROW_HEIGHT * 3 + snappedBottomInset();
    }

    @Override
    protected void layoutChildren() {
        double left = snappedLeftInset();
        double top = snappedTopInset();
        double w = getWidth() - left - snappedRightInset();
        double h = getHeight() - top - snappedBottomInset();
        double barW = vbar.prefWidth(-1);
        double barH = hbar.prefHeight(-1);
        boolean needH = contentWidth() > w;
        boolean needV = contentHeight() > h - (needH ? barH : 0);
        needH = contentWidth() > w - (needV ? barW : 0);
        double viewW = Math.max(0, w - (needV ? barW : 0));
        double viewH = Math.max(0, h - (needH ? barH : 0));
        configure(vbar, needV, contentHeight() - viewH, viewH);
        configure(hbar, needH, contentWidth() - viewW, viewW);
        vbar.resizeRelocate(left + viewW, top, barW, viewH);
        hbar.resizeRelocate(left, top + viewH, viewW, barH);
        canvas.relocate(left, top);
        canvas.setWidth(viewW);
        canvas.setHeight(viewH);
        draw();
    }

    private static void configure(ScrollBar bar, boolean needed, double max, double view) {
        bar.setVisible(needed);
        bar.setMax(Math.max(0, max));
        bar.setVisibleAmount(max <= 0 ? 0 : Math.max(0, max) * view / Math.max(1, max + view));
        bar.setBlockIncrement(view * 0.9);
        bar.setValue(Math.min(bar.getValue(), bar.getMax()));
    }

    /** Rows and columns at least partly in view: {firstRow, lastRow, firstCol, lastCol} (last &lt; first: none). */
    private long[] inView() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        double dx = hbar.getValue();
        double dy = vbar.getValue();
        long firstRow = (long) Math.max(0, Math.floor(dy / ROW_HEIGHT));
        long lastRow = Math.min(grid.totalRows() - 1, (long) Math.floor((dy + h - ROW_HEIGHT - 1e-9) / ROW_HEIGHT));
        long firstCol = Math.max(0, columns.at(dx));
        long end = columns.at(dx + w - columns.indexWidth() - 1e-9);
        long lastCol = end < 0 ? columns.count() - 1 : end;
        return new long[] {firstRow, lastRow, firstCol, lastCol};
    }

    /** Reads the page around the cells in view unless the current one holds them. */
    private void ensurePage(long[] v) {
        if (v[1] < v[0] || v[3] < v[2] || page.covers(v[0], v[1] + 1, v[2], v[3] + 1)) {
            return;
        }
        try {
            page = grid.page(v[0] - MARGIN_ROWS, (int) (v[1] - v[0] + 1 + 2 * MARGIN_ROWS),
                    v[2] - MARGIN_COLS, (int) (v[3] - v[2] + 1 + 2 * MARGIN_COLS));
            GridColumns wider = columns.fitting(page, font);
            if (wider != columns) {
                columns = wider;
                requestLayout();
            }
        } catch (java.io.IOException | RuntimeException e) {
            pointed.set(org.ckptinspector.app.ErrorMessages.of(e));
        }
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        double dx = hbar.getValue();
        double dy = vbar.getValue();
        double index = columns.indexWidth();
        double right = Math.min(w, contentWidth() - dx);
        double bottom = Math.min(h, contentHeight() - dy);
        long[] v = inView();
        long firstRow = v[0];
        long lastRow = v[1];
        long firstCol = v[2];
        long lastCol = v[3];
        ensurePage(v);
        g.clearRect(0, 0, w, h);
        g.setFont(font);
        g.setTextBaseline(VPos.CENTER);

        clip(g, index, ROW_HEIGHT, w, h);
        g.setTextAlign(TextAlignment.RIGHT);
        double cw = columns.width();
        for (long r = firstRow; r <= lastRow; r++) {
            double y = ROW_HEIGHT * (r + 1) - dy;
            if (r == hoverRow || r % 2 == 1) {
                g.setFill(r == hoverRow ? HOVER_ROW : STRIPE);
                g.fillRect(index, y, right - index, ROW_HEIGHT);
            }
            for (long c = firstCol; c <= lastCol; c++) {
                double x = index + columns.left(c) - dx;
                if (r == hoverRow && c == hoverCol) {
                    g.setFill(HOVER_CELL);
                    g.fillRect(x, y, cw, ROW_HEIGHT);
                }
                if (r == markRow && c == markCol) {
                    g.setStroke(MARKED);
                    g.setLineWidth(2);
                    g.strokeRect(x + 1, y + 1, cw - 2, ROW_HEIGHT - 2);
                }
                String text = page.text(r, c);
                if (text != null) {
                    g.setFill(TEXT);
                    g.fillText(text, x + cw - GridColumns.padding(), y + ROW_HEIGHT / 2);
                }
            }
        }
        g.setFill(LINE);
        for (long c = firstCol; c <= lastCol; c++) {
            vline(g, index + columns.left(c) + cw - dx, ROW_HEIGHT, bottom);
        }
        g.restore();

        g.setFill(HEADER);
        g.fillRect(0, 0, right, ROW_HEIGHT);
        clip(g, index, 0, w, ROW_HEIGHT);
        g.setTextAlign(TextAlignment.CENTER);
        for (long c = firstCol; c <= lastCol; c++) {
            double x = index + columns.left(c) - dx;
            g.setFill(c == hoverCol ? TEXT : MUTED);
            g.fillText(Long.toString(c), x + cw / 2, ROW_HEIGHT / 2);
            g.setFill(LINE);
            vline(g, x + cw, 0, ROW_HEIGHT);
        }
        g.restore();

        g.setFill(HEADER);
        g.fillRect(0, ROW_HEIGHT, index, bottom - ROW_HEIGHT);
        clip(g, 0, ROW_HEIGHT, index, h);
        g.setTextAlign(TextAlignment.RIGHT);
        for (long r = firstRow; r <= lastRow; r++) {
            g.setFill(r == hoverRow ? TEXT : MUTED);
            g.fillText(Long.toString(grid.slice().rowLabel(r)), index - GridColumns.padding(),
                    ROW_HEIGHT * (r + 1) - dy + ROW_HEIGHT / 2);
        }
        g.restore();

        g.setFill(LINE);
        hline(g, ROW_HEIGHT, right);
        vline(g, index, 0, bottom);
    }

    /** Saves the state and clips to the rectangle from ({@code x0}, {@code y0}) to ({@code x1}, {@code y1}). */
    private static void clip(GraphicsContext g, double x0, double y0, double x1, double y1) {
        g.save();
        g.beginPath();
        g.rect(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
        g.clip();
    }

    /** A one-device-pixel line at the pixel edge nearest {@code x}, crisp at any output scale. */
    private void vline(GraphicsContext g, double x, double top, double bottom) {
        double px = 1 / outputScaleX();
        g.fillRect(snapPositionX(x) - px, top, px, Math.max(0, bottom - top));
    }

    private void hline(GraphicsContext g, double y, double right) {
        double px = 1 / outputScaleY();
        g.fillRect(0, snapPositionY(y) - px, right, px);
    }

    private double outputScaleX() {
        return getScene() == null || getScene().getWindow() == null ? 1 : getScene().getWindow().getOutputScaleX();
    }

    private double outputScaleY() {
        return getScene() == null || getScene().getWindow() == null ? 1 : getScene().getWindow().getOutputScaleY();
    }

    /** Marks the cell under the mouse at ({@code x}, {@code y}) on the canvas; draws if it or {@code redraw}. */
    private void point(double x, double y, boolean redraw) {
        mouseX = x;
        mouseY = y;
        long row = -1;
        long col = -1;
        if (x >= columns.indexWidth() && y >= ROW_HEIGHT) {
            row = (long) Math.floor((y + vbar.getValue()) / ROW_HEIGHT) - 1;
            col = columns.at(x - columns.indexWidth() + hbar.getValue());
            if (col < 0 || page.text(row, col) == null) {
                row = -1;
                col = -1;
            }
        }
        boolean moved = row != hoverRow || col != hoverCol;
        if (moved) {
            hoverRow = row;
            hoverCol = col;
            pointed.set(row < 0 ? "" : grid.describe(page, row, col));
        }
        if (moved || redraw) {
            draw();
        }
    }

    private void scroll(ScrollEvent e) {
        double dx = e.getDeltaX();
        double dy = e.getDeltaY();
        if (e.isShiftDown() && dx == 0) {
            dx = dy;
            dy = 0;
        }
        vbar.setValue(clamp(vbar, vbar.getValue() - dy));
        hbar.setValue(clamp(hbar, hbar.getValue() - dx));
        e.consume();
    }

    private void key(KeyEvent e) {
        if (COPY.match(e)) {
            copy();
        } else if (e.getCode() == KeyCode.DOWN || e.getCode() == KeyCode.UP) {
            vbar.setValue(clamp(vbar, vbar.getValue() + (e.getCode() == KeyCode.DOWN ? 1 : -1) * ROW_HEIGHT));
        } else if (e.getCode() == KeyCode.PAGE_DOWN || e.getCode() == KeyCode.PAGE_UP) {
            double page = vbar.getBlockIncrement() * (e.getCode() == KeyCode.PAGE_DOWN ? 1 : -1);
            vbar.setValue(clamp(vbar, vbar.getValue() + page));
        } else if (e.getCode() == KeyCode.RIGHT || e.getCode() == KeyCode.LEFT) {
            hbar.setValue(clamp(hbar, hbar.getValue() + (e.getCode() == KeyCode.RIGHT ? 1 : -1) * 40));
        } else if (e.getCode() == KeyCode.HOME || e.getCode() == KeyCode.END) {
            vbar.setValue(e.getCode() == KeyCode.HOME ? 0 : vbar.getMax());
        } else {
            return;
        }
        e.consume();
    }

    private static double clamp(ScrollBar bar, double v) {
        return Math.max(bar.getMin(), Math.min(bar.getMax(), v));
    }

    /** The first installed monospaced family the style sheet's {@code -ci-mono} lists, at the grid's 12 px. */
    private static final class MonoFont {
        private static final String[] FAMILIES = {"JetBrains Mono", "DejaVu Sans Mono", "Consolas", "Menlo"};
        private static Font font;

        static synchronized Font get() {
            if (font == null) {
                for (String family : FAMILIES) {
                    Font f = Font.font(family, 12);
                    if (f.getFamily().equalsIgnoreCase(family)) {
                        font = f;
                        break;
                    }
                }
                if (font == null) {
                    font = Font.font("Monospaced", 12);
                }
            }
            return font;
        }
    }
}
