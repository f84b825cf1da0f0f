package org.ckptinspector.gui.detail;

import javafx.animation.PauseTransition;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;
import org.ckptinspector.app.ErrorMessages;
import org.ckptinspector.app.Formats;
import org.ckptinspector.app.HeatLayout;
import org.ckptinspector.app.HeatMapData;
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.app.TensorSlice;
import org.ckptinspector.model.TensorRef;

/**
 * The Heat map tab: a {@link HeatMapData} as an image with index ticks on two axes, a readout of the index and
 * value under the pointer, and zoom (scroll wheel or buttons) with panning by dragging. A reduced map (each cell a
 * block's mean) zoomed in is recomputed from the tensor for the window in view, at full detail when it fits.
 * For tensors of rank 3 and more a {@link SliceBar} picks the plane; a convolution weight can also show its
 * kernels. Values of both signs use a diverging blue–white–red scale symmetric around zero, others a
 * light-to-dark scale over [min, max]. Images are drawn off the FX thread ({@link #draw}).
 */
final class HeatMapView {
    private static final int CELLS = org.ckptinspector.app.InsightsModel.HEATMAP_CELLS;
    private static final Color NEG = Color.web("#2f5fd0");
    private static final Color MID = Color.web("#f7f7f7");
    private static final Color POS = Color.web("#d0342c");
    private static final Color LOW = Color.web("#f1f4ff");
    private static final Color HIGH = Color.web("#1e2a78");
    private static final Color MISSING = Color.web("#c9ccd3");
    private static final Color GAP = Color.web("#ffffff");

    /** A heat map's data with its image (one pixel per cell), drawn on any thread. */
    record Drawn(HeatMapData data, WritableImage image) {}

    private final TensorRef tensor;
    private final TaskRunner runner;
    private final HeatCanvas canvas;
    private final Label caption = new Label();
    private final Label readout = new Label();
    private final HBox legend = new HBox(8);
    private final VBox box = new VBox(8);
    private SliceBar slices;
    /** The drawing under way, cancelled when another one starts. */
    private TaskRunner.Handle work;

    private HeatMapView(Drawn drawn, TensorRef tensor, TaskRunner runner) {
        this.tensor = tensor;
        this.runner = runner;
        this.canvas = new HeatCanvas(drawn);
    }

    /** Draws the cells as an image; any thread, as the image is not shown yet. */
    static Drawn draw(HeatMapData data) {
        int h = data.cells().length;
        int w = h == 0 ? 0 : data.cells()[0].length;
        int[] argb = new int[Math.max(w, 1) * Math.max(h, 1)];
        boolean kernels = data.layout() instanceof HeatLayout.Kernels;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = data.cells()[y][x];
                Color c = kernels && Double.isNaN(v) && data.exact() ? GAP : color(data, v);
                argb[y * w + x] = argb(c);
            }
        }
        WritableImage img = new WritableImage(Math.max(w, 1), Math.max(h, 1));
        img.getPixelWriter().setPixels(0, 0, Math.max(w, 1), Math.max(h, 1), PixelFormat.getIntArgbInstance(), argb,
                0, Math.max(w, 1));
        return new Drawn(data, img);
    }

    private static int argb(Color c) {
        return (int) Math.round(c.getOpacity() * 255) << 24 | (int) Math.round(c.getRed() * 255) << 16
                | (int) Math.round(c.getGreen() * 255) << 8 | (int) Math.round(c.getBlue() * 255);
    }

    /** The tab's content, without choosing another plane or recomputing zoomed windows (for the warm-up). */
    static Node of(Drawn drawn) {
        return of(drawn, null, null);
    }

    /**
     * The tab's content; with a {@code tensor} and a {@code runner}, other planes and zoomed windows are
     * computed through it.
     */
    static Node of(Drawn drawn, TensorRef tensor, TaskRunner runner) {
        return new HeatMapView(drawn, tensor, runner).build();
    }

    private Node build() {
        canvas.setId("heatMap");
        caption.setId("heatCaption");
        caption.getStyleClass().add("link-meta");
        caption.setWrapText(true);
        caption.setMinHeight(Region.USE_PREF_SIZE);
        readout.setId("heatReadout");
        readout.getStyleClass().add("value-pointed");
        readout.setMinHeight(Region.USE_PREF_SIZE);
        Button out = zoomButton("−", "heatZoomOut", "Zoom out", () -> canvas.zoomBy(0.5));
        Button in = zoomButton("+", "heatZoomIn", "Zoom in (or scroll over the map; drag to pan)",
                () -> canvas.zoomBy(2));
        Button fit = zoomButton("Fit", "heatZoomFit", "Show the whole map", canvas::fit);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox top = new HBox(8, caption, spacer);
        HBox.setHgrow(caption, Priority.SOMETIMES);
        top.setAlignment(Pos.CENTER_LEFT);
        HeatLayout layout = canvas.base.data().layout();
        if (runner != null && (layout instanceof HeatLayout.Kernels
                || layout instanceof HeatLayout.Plane p && p.slice().sliceable())) {
            top.getChildren().add(modeChoice(layout));
        }
        top.getChildren().addAll(out, in, fit);
        StackPane frame = new StackPane(canvas);
        frame.getStyleClass().add("heat-frame");
        frame.setMinSize(0, 0);
        VBox.setVgrow(frame, Priority.ALWAYS);
        legend.setAlignment(Pos.CENTER_LEFT);
        box.getChildren().add(top);
        if (runner != null && layout instanceof HeatLayout.Plane p && p.slice().sliceable()) {
            slices = new SliceBar(p.slice(), this::showPlane);
            slices.setId("heatSlice");
            box.getChildren().add(slices);
        }
        box.getChildren().addAll(frame, legend, readout);
        box.getStyleClass().add("detail-content");
        shown(canvas.base.data());
        return box;
    }

    private ChoiceBox<String> modeChoice(HeatLayout layout) {
        ChoiceBox<String> mode = new ChoiceBox<>();
        mode.setId("heatMode");
        mode.setMinWidth(Region.USE_PREF_SIZE);
        // The values' shape (a packed dtype has more values than elements), as the layout was made for.
        long[] shape = layout instanceof HeatLayout.Kernels k ? new long[] {k.out(), k.in(), k.kh(), k.kw()}
                : ((HeatLayout.Plane) layout).slice().shape();
        boolean conv = HeatLayout.Kernels.applies(shape);
        if (conv) {
            mode.getItems().add("Kernels");
        }
        mode.getItems().add("Plane");
        mode.setValue(layout instanceof HeatLayout.Kernels ? "Kernels" : "Plane");
        mode.setOnAction(e -> {
            if ("Kernels".equals(mode.getValue())) {
                if (slices != null) {
                    box.getChildren().remove(slices);
                    slices = null;
                }
                recompute(HeatLayout.Kernels.of(shape));
            } else {
                TensorSlice s = TensorSlice.initial(shape, 1);
                if (slices == null && s.sliceable()) {
                    slices = new SliceBar(s, this::showPlane);
                    slices.setId("heatSlice");
                    box.getChildren().add(1, slices);
                }
                recompute(new HeatLayout.Plane(s));
            }
        });
        return mode;
    }

    private void cancelWork() {
        if (work != null) {
            work.cancel();
        }
    }

    private void showPlane(TensorSlice s) {
        recompute(new HeatLayout.Plane(s));
    }

    private void recompute(HeatLayout layout) {
        caption.setText("Drawing …");
        cancelWork();
        work = runner.runQuietly("Drawing " + tensor.key(), m -> draw(HeatMapData.of(tensor, layout, 0, 0,
                layout.rows(), layout.cols(), CELLS, CELLS, m)), d -> {
                    canvas.setBase(d);
                    shown(d.data());
                }, e -> caption.setText("Cannot draw this view: " + ErrorMessages.of(e)));
    }

    private void shown(HeatMapData data) {
        canvas.setUserData(new int[] {data.cells().length == 0 ? 0 : data.cells()[0].length, data.cells().length});
        String reduced = data.exact() ? ""
                : "  ·  a pixel is the mean of " + data.rowsPerCell() + " × " + data.colsPerCell()
                        + " (zoom in for detail)";
        String what = data.layout() instanceof HeatLayout.Kernels k
                ? Formats.count(k.out()) + " × " + Formats.count(k.in()) + " kernels of " + k.kh() + " × " + k.kw()
                : Formats.count(data.rows()) + " rows (" + data.layout().rowTitle() + ") × "
                        + Formats.count(data.cols()) + " columns (" + data.layout().colTitle() + ")";
        caption.setText(what + reduced);
        caption.setTooltip(data.layout() instanceof HeatLayout.Kernels k && k.groups() > 1
                ? new Tooltip("Out channels run down " + k.groups() + " side-by-side columns of kernels, each with all "
                        + k.in() + " in channels; a column's out channel is the row's number plus the +N above it")
                : null);
        legend.getChildren().setAll(legendOf(data));
    }

    private static Button zoomButton(String text, String id, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        b.setMinWidth(Region.USE_PREF_SIZE);
        return b;
    }

    private static java.util.List<Node> legendOf(HeatMapData data) {
        Region bar = new Region();
        bar.setPrefSize(220, 10);
        bar.setMaxHeight(10);
        String gradient = data.diverging()
                ? "linear-gradient(to right, #2f5fd0, #f7f7f7, #d0342c)"
                : "linear-gradient(to right, #f1f4ff, #1e2a78)";
        bar.setStyle("-fx-background-color: " + gradient + "; -fx-background-radius: 3;");
        double bound = Math.max(Math.abs(data.min()), Math.abs(data.max()));
        Label lo = new Label(Formats.number(data.diverging() ? -bound : data.min()));
        Label hi = new Label(Formats.number(data.diverging() ? bound : data.max()));
        for (Label l : new Label[] {lo, hi}) {
            l.getStyleClass().add("link-meta");
            l.setMinWidth(Region.USE_PREF_SIZE);
        }
        bar.setMinWidth(40);
        return java.util.List.of(lo, bar, hi);
    }

    static Color color(HeatMapData d, double v) {
        if (Double.isNaN(v)) {
            return MISSING;
        }
        if (d.diverging()) {
            double bound = Math.max(Math.abs(d.min()), Math.abs(d.max()));
            double f = bound == 0 ? 0 : v / bound;
            return f < 0 ? MID.interpolate(NEG, -f) : MID.interpolate(POS, f);
        }
        double span = d.max() - d.min();
        return LOW.interpolate(HIGH, span == 0 ? 0.5 : (v - d.min()) / span);
    }

    /**
     * The map itself: the image scaled to fit, then zoomed and panned; ticks on the left and top axes in the
     * layout's indices; a detail image over the part in view once a reduced map is zoomed in.
     */
    private final class HeatCanvas extends Region {
        private static final double LEFT = 52;
        private static final double TOP = 22;
        private static final double MAX_CELL_PX = 160;
        private final Canvas canvas = new Canvas();
        private final Font font = Font.font(11);
        private final PauseTransition settle = new PauseTransition(Duration.millis(250));
        private Drawn base;
        /** The recomputed window in view, in base cells: {x, y, w, h}; null without one. */
        private Drawn detail;
        private double[] detailAt;
        private double zoom = 1;
        private double ox;
        private double oy;
        private double dragX;
        private double dragY;
        private int hoverX = -1;
        private int hoverY = -1;

        HeatCanvas(Drawn base) {
            this.base = base;
            getChildren().add(canvas);
            setMinSize(0, 0);
            settle.setOnFinished(e -> refine());
            addEventHandler(ScrollEvent.SCROLL, e -> {
                if (e.getDeltaY() != 0) {
                    zoomAt(e.getX() - LEFT, e.getY() - TOP, e.getDeltaY() > 0 ? 1.25 : 0.8);
                }
                e.consume();
            });
            addEventHandler(MouseEvent.MOUSE_MOVED, e -> hover(e.getX(), e.getY()));
            addEventHandler(MouseEvent.MOUSE_EXITED, e -> hover(-1, -1));
            addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
                dragX = e.getX();
                dragY = e.getY();
                e.consume();
            });
            addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> {
                ox += e.getX() - dragX;
                oy += e.getY() - dragY;
                dragX = e.getX();
                dragY = e.getY();
                clampPan();
                moved();
            });
        }

        void setBase(Drawn d) {
            base = d;
            detail = null;
            zoom = 1;
            ox = 0;
            oy = 0;
            paint();
        }

        private int cellsW() {
            return (int) base.image().getWidth();
        }

        private int cellsH() {
            return (int) base.image().getHeight();
        }

        private double plotW() {
            return Math.max(1, getWidth() - LEFT - 2);
        }

        private double plotH() {
            return Math.max(1, getHeight() - TOP - 2);
        }

        /** Pixels per base cell. */
        private double cell() {
            return Math.min(plotW() / cellsW(), plotH() / cellsH()) * zoom;
        }

        void fit() {
            zoom = 1;
            ox = 0;
            oy = 0;
            moved();
        }

        void zoomBy(double f) {
            zoomAt(plotW() / 2, plotH() / 2, f);
        }

        private void zoomAt(double px, double py, double f) {
            double fitCell = Math.min(plotW() / cellsW(), plotH() / cellsH());
            double maxZoom = Math.max(1, MAX_CELL_PX / fitCell);
            double z = Math.max(1, Math.min(maxZoom, zoom * f));
            double cx = (px - ox) / cell();
            double cy = (py - oy) / cell();
            zoom = z;
            ox = px - cx * cell();
            oy = py - cy * cell();
            clampPan();
            moved();
        }

        private void clampPan() {
            double w = cellsW() * cell();
            double h = cellsH() * cell();
            ox = w <= plotW() ? 0 : Math.max(plotW() - w, Math.min(0, ox));
            oy = h <= plotH() ? 0 : Math.max(plotH() - h, Math.min(0, oy));
        }

        /** After a zoom or pan: redraw, and recompute the window in view once the view settles. */
        private void moved() {
            detail = null;
            paint();
            if (runner != null && tensor != null && !base.data().exact() && zoom > 1) {
                settle.playFromStart();
            } else {
                settle.stop();
            }
        }

        /** Computes the base cells in view again from the tensor, at up to {@link #CELLS} per side. */
        private void refine() {
            HeatMapData d = base.data();
            double c = cell();
            int x0 = (int) Math.max(0, Math.floor(-ox / c));
            int y0 = (int) Math.max(0, Math.floor(-oy / c));
            int x1 = (int) Math.min(cellsW(), Math.ceil((plotW() - ox) / c));
            int y1 = (int) Math.min(cellsH(), Math.ceil((plotH() - oy) / c));
            long row = d.row() + y0 * d.rowsPerCell();
            long col = d.col() + x0 * d.colsPerCell();
            long rows = Math.min(d.row() + d.rows(), d.row() + y1 * d.rowsPerCell()) - row;
            long cols = Math.min(d.col() + d.cols(), d.col() + x1 * d.colsPerCell()) - col;
            Drawn was = base;
            cancelWork();
            work = runner.runQuietly("Drawing " + tensor.key(), m -> HeatMapView.draw(HeatMapData.of(tensor, d.layout(), row, col,
                    rows, cols, CELLS, CELLS, m)), r -> {
                        if (base == was) {
                            detail = r;
                            detailAt = new double[] {x0, y0, (double) cols / d.colsPerCell(),
                                (double) rows / d.rowsPerCell()};
                            paint();
                        }
                    }, e -> { });
        }

        private void hover(double mx, double my) {
            double c = cell();
            int x = (int) Math.floor((mx - LEFT - ox) / c);
            int y = (int) Math.floor((my - TOP - oy) / c);
            boolean inside = mx >= LEFT && my >= TOP && x >= 0 && y >= 0 && x < cellsW() && y < cellsH();
            hoverX = inside ? x : -1;
            hoverY = inside ? y : -1;
            readout.setText(inside ? describe((mx - LEFT - ox) / c, (my - TOP - oy) / c) : "");
            paint();
        }

        /** The readout at base-cell coordinates ({@code bx}, {@code by}), from the detail image when it is there. */
        private String describe(double bx, double by) {
            if (detail != null && bx >= detailAt[0] && by >= detailAt[1] && bx < detailAt[0] + detailAt[2]
                    && by < detailAt[1] + detailAt[3]) {
                HeatMapData dd = detail.data();
                int x = (int) Math.floor((bx - detailAt[0]) / detailAt[2] * detail.image().getWidth());
                int y = (int) Math.floor((by - detailAt[1]) / detailAt[3] * detail.image().getHeight());
                if (y < dd.cells().length && x < dd.cells()[0].length) {
                    return dd.describe(y, x);
                }
            }
            return base.data().describe((int) by, (int) bx);
        }

        @Override
        protected void layoutChildren() {
            canvas.setWidth(getWidth());
            canvas.setHeight(getHeight());
            clampPan();
            paint();
        }

        @Override
        protected double computePrefWidth(double h) {
            return 240;
        }

        @Override
        protected double computePrefHeight(double w) {
            return 300;
        }

        private void paint() {
            GraphicsContext g = canvas.getGraphicsContext2D();
            double w = canvas.getWidth();
            double h = canvas.getHeight();
            g.clearRect(0, 0, w, h);
            double c = cell();
            g.save();
            g.beginPath();
            g.rect(LEFT, TOP, plotW(), plotH());
            g.clip();
            g.setImageSmoothing(false);
            g.drawImage(base.image(), LEFT + ox, TOP + oy, cellsW() * c, cellsH() * c);
            if (detail != null) {
                g.drawImage(detail.image(), LEFT + ox + detailAt[0] * c, TOP + oy + detailAt[1] * c,
                        detailAt[2] * c, detailAt[3] * c);
            }
            if (hoverX >= 0) {
                g.setStroke(Color.web("#1d2330"));
                g.setLineWidth(1.5);
                double s = Math.max(c, 3);
                g.strokeRect(LEFT + ox + hoverX * c + (c - s) / 2, TOP + oy + hoverY * c + (c - s) / 2, s, s);
            }
            g.restore();
            ticks(g, c);
        }

        /** Index ticks: layout rows on the left, columns on top, no closer than a label needs. */
        private void ticks(GraphicsContext g, double c) {
            HeatMapData d = base.data();
            HeatLayout layout = d.layout();
            long rowUnit = layout instanceof HeatLayout.Kernels k ? k.kh() + 1 : 1;
            long colUnit = layout instanceof HeatLayout.Kernels k ? k.kw() + 1 : 1;
            g.setFont(font);
            g.setFill(Color.web("#6b7383"));
            g.setStroke(Color.web("#c9ccd3"));
            g.setLineWidth(1);
            double pxPerRow = c / d.rowsPerCell();
            long rowStep = step(rowUnit, 16 / pxPerRow);
            g.setTextAlign(TextAlignment.RIGHT);
            g.setTextBaseline(VPos.CENTER);
            long r0 = d.row() + (long) Math.max(0, Math.floor(-oy / pxPerRow));
            for (long r = (r0 + rowStep - 1) / rowStep * rowStep; r < d.row() + d.rows(); r += rowStep) {
                double y = TOP + oy + (r - d.row() + 0.5) * pxPerRow;
                if (y > TOP + plotH()) {
                    break;
                }
                String label = layout.rowTick(r);
                if (label != null && y >= TOP) {
                    g.fillText(label, LEFT - 6, y);
                    g.strokeLine(LEFT - 4, y, LEFT - 1, y);
                }
            }
            double pxPerCol = c / d.colsPerCell();
            // A kernel grid's "+13" marks may run into a neighbour; its in-channel labels set the spacing.
            String widest = layout instanceof HeatLayout.Kernels k ? Long.toString(k.in() - 1)
                    : layout.colTick(d.col() + d.cols() - 1);
            double labelPx = 12 + 7 * (widest == null ? 4 : widest.length());
            long colStep = step(colUnit, labelPx / pxPerCol);
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.BOTTOM);
            long c0 = d.col() + (long) Math.max(0, Math.floor(-ox / pxPerCol));
            for (long col = (c0 + colStep - 1) / colStep * colStep; col < d.col() + d.cols(); col += colStep) {
                double x = LEFT + ox + (col - d.col() + 0.5) * pxPerCol;
                if (x > LEFT + plotW()) {
                    break;
                }
                String label = layout.colTick(col);
                if (label != null && x >= LEFT) {
                    g.fillText(label, x, TOP - 5);
                    g.strokeLine(x, TOP - 4, x, TOP - 1);
                }
            }
        }

        /** The smallest of unit × 1, 2, 5, 10, 20, … that is at least {@code min}. */
        private static long step(long unit, double min) {
            for (long p = 1; p < Long.MAX_VALUE / 100; p *= 10) {
                for (long k : new long[] {1, 2, 5}) {
                    if (k * p * unit >= min) {
                        return k * p * unit;
                    }
                }
            }
            return unit;
        }
    }
}
