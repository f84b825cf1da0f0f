package org.ckptinspector.gui.detail;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.ckptinspector.app.Formats;
import org.ckptinspector.app.HeatMapData;

/**
 * The Heat map tab: one pixel per cell, scaled up without smoothing to fill the pane. Values of both signs use
 * a diverging blue–white–red scale symmetric around zero, others a light-to-dark scale over [min, max]. The
 * image is drawn off the FX thread ({@link #draw}); the FX thread only puts it in the pane.
 */
final class HeatMapView {
    private static final Color NEG = Color.web("#2f5fd0");
    private static final Color MID = Color.web("#f7f7f7");
    private static final Color POS = Color.web("#d0342c");
    private static final Color LOW = Color.web("#f1f4ff");
    private static final Color HIGH = Color.web("#1e2a78");
    private static final Color MISSING = Color.web("#c9ccd3");

    private HeatMapView() {}

    /** A heat map's data with its image, drawn on any thread. */
    record Drawn(HeatMapData data, WritableImage image) {}

    /** Draws the cells as an image; any thread, as the image is not shown yet. */
    static Drawn draw(HeatMapData data) {
        int h = data.cells().length;
        int w = h == 0 ? 0 : data.cells()[0].length;
        // Cells are drawn as blocks of whole pixels: not every pipeline honours an unsmoothed ImageView.
        int k = Math.max(1, 512 / Math.max(1, Math.max(w, h)));
        int width = Math.max(w, 1) * k;
        int[] argb = new int[width * Math.max(h, 1) * k];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = argb(color(data, data.cells()[y][x]));
                for (int dy = 0; dy < k; dy++) {
                    int row = (y * k + dy) * width + x * k;
                    java.util.Arrays.fill(argb, row, row + k, c);
                }
            }
        }
        WritableImage img = new WritableImage(width, Math.max(h, 1) * k);
        img.getPixelWriter().setPixels(0, 0, width, Math.max(h, 1) * k, PixelFormat.getIntArgbInstance(), argb, 0,
                width);
        return new Drawn(data, img);
    }

    private static int argb(Color c) {
        return (int) Math.round(c.getOpacity() * 255) << 24 | (int) Math.round(c.getRed() * 255) << 16
                | (int) Math.round(c.getGreen() * 255) << 8 | (int) Math.round(c.getBlue() * 255);
    }

    static Node of(Drawn drawn) {
        HeatMapData data = drawn.data();
        WritableImage img = drawn.image();
        int h = data.cells().length;
        int w = h == 0 ? 0 : data.cells()[0].length;
        ImageView view = new ImageView(img);
        view.setId("heatMap");
        view.setUserData(new int[] {w, h});
        view.setSmooth(false);
        view.setPreserveRatio(true);
        StackPane frame = new StackPane(view);
        frame.getStyleClass().add("heat-frame");
        frame.setMinSize(0, 0);
        VBox.setVgrow(frame, Priority.ALWAYS);
        view.fitWidthProperty().bind(frame.widthProperty().subtract(2));
        view.fitHeightProperty().bind(frame.heightProperty().subtract(2));
        String reduced = data.rowsPerCell() > 1 || data.colsPerCell() > 1
                ? "  ·  each pixel is the mean of " + data.rowsPerCell() + " × " + data.colsPerCell() + " values"
                : "";
        Label caption = new Label(Formats.count(data.rows()) + " rows × " + Formats.count(data.cols())
                + " columns" + reduced);
        caption.getStyleClass().add("link-meta");
        VBox box = new VBox(8, caption, frame, legend(data));
        box.getStyleClass().add("detail-content");
        return box;
    }

    private static Node legend(HeatMapData data) {
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
        lo.getStyleClass().add("link-meta");
        hi.getStyleClass().add("link-meta");
        HBox legend = new HBox(8, lo, bar, hi);
        legend.setAlignment(Pos.CENTER_LEFT);
        return legend;
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
}
