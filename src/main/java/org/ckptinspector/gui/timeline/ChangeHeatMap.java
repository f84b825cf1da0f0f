package org.ckptinspector.gui.timeline;

import java.util.function.BiConsumer;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.Cursor;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontPosture;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import org.ckptinspector.app.RunTimeline;
import org.ckptinspector.trajectory.ModuleTrajectory;
import org.ckptinspector.trajectory.Timeline;

/**
 * The module × step heat map of relative change: a row per module, a column per step, darker for more change
 * (log scale). Frozen modules are marked in their label, the first NaN/Inf step of a module as a red cell. The pointer's cell is described in a readout; a click on a cell reports its row and step.
 */
public final class ChangeHeatMap {
    private static final Color LOW = Color.web("#eef2ff");
    private static final Color HIGH = Color.web("#1e2a78");
    private static final Color NONE = Color.web("#e4e6eb");
    private static final Color NONFINITE = Color.web("#d0342c");
    private static final Color TEXT = Color.web("#3a4150");
    private static final Color MUTED = Color.web("#8a90a0");
    private static final Font FONT = Font.font("SansSerif", 11);
    private static final double AXIS = 18;
    private static final double MAX_ROW = 26;

    private final RunTimeline model;
    private final Canvas canvas = new Canvas();
    private final Pane pane = new Pane(canvas);
    private final Label readout = new Label(" ");
    private final double labelWidth;
    private int hoverRow = -1;
    private int hoverStep = -1;

    /** @param onCell receives the row and step of a clicked cell */
    ChangeHeatMap(RunTimeline model, BiConsumer<Integer, Integer> onCell) {
        this.model = model;
        double widest = 0;
        for (int r = 0; r < model.heatMap().rows().size(); r++) {
            widest = Math.max(widest, textWidth(label(r)));
        }
        labelWidth = Math.min(280, widest + 14);
        canvas.setId("changeHeatMap");
        canvas.widthProperty().bind(pane.widthProperty());
        canvas.heightProperty().bind(pane.heightProperty());
        canvas.widthProperty().addListener(o -> draw());
        canvas.heightProperty().addListener(o -> draw());
        pane.setMinSize(0, 0);
        pane.setPrefHeight(AXIS + MAX_ROW * Math.max(1, model.heatMap().rows().size()) + 4);
        readout.setId("heatReadout");
        readout.getStyleClass().add("link-meta");
        canvas.setOnMouseMoved(e -> hover(cellAt(e.getX(), e.getY())));
        canvas.setOnMouseExited(e -> hover(null));
        canvas.setOnMouseClicked(e -> {
            int[] cell = cellAt(e.getX(), e.getY());
            if (cell != null) {
                onCell.accept(cell[0], cell[1]);
            }
        });
    }

    Pane view() {
        return pane;
    }

    Label readout() {
        return readout;
    }

    private String label(int row) {
        ModuleTrajectory m = model.module(row);
        return m.module() + (m.frozen() ? "  (frozen)" : "");
    }

    private static double textWidth(String s) {
        Text t = new Text(s);
        t.setFont(FONT);
        return t.getLayoutBounds().getWidth();
    }

    private int rows() {
        return model.heatMap().rows().size();
    }

    private int steps() {
        return model.heatMap().columns().size();
    }

    private double cellWidth() {
        return Math.max(1, (canvas.getWidth() - labelWidth - 4) / Math.max(1, steps()));
    }

    private double cellHeight() {
        return Math.max(6, Math.min(MAX_ROW, (canvas.getHeight() - AXIS - 2) / Math.max(1, rows())));
    }

    /** The centre of a cell in the canvas's coordinates. */
    public Point2D cellCenter(int row, int step) {
        return new Point2D(labelWidth + (step + 0.5) * cellWidth(), (row + 0.5) * cellHeight());
    }

    /** The canvas the cells are drawn on. */
    public Canvas canvas() {
        return canvas;
    }

    private int[] cellAt(double x, double y) {
        int step = (int) Math.floor((x - labelWidth) / cellWidth());
        int row = (int) Math.floor(y / cellHeight());
        return x < labelWidth || step < 0 || step >= steps() || row < 0 || row >= rows() ? null
                : new int[] {row, step};
    }

    private void hover(int[] cell) {
        hoverRow = cell == null ? -1 : cell[0];
        hoverStep = cell == null ? -1 : cell[1];
        canvas.setCursor(cell != null && model.comparison(cell[1]).isPresent() ? Cursor.HAND : Cursor.DEFAULT);
        readout.setText(cell == null ? " " : model.describe(cell[0], cell[1]));
        draw();
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        g.clearRect(0, 0, w, h);
        Timeline.HeatMap heat = model.heatMap();
        double cw = cellWidth();
        double ch = cellHeight();
        g.setFont(FONT);
        g.setTextBaseline(VPos.CENTER);
        for (int r = 0; r < rows(); r++) {
            ModuleTrajectory m = model.module(r);
            double y = r * ch;
            g.setTextAlign(TextAlignment.RIGHT);
            g.setFill(m.frozen() ? MUTED : TEXT);
            g.setFont(m.frozen() ? Font.font("SansSerif", FontPosture.ITALIC, 11) : FONT);
            g.fillText(label(r), labelWidth - 8, y + ch / 2, labelWidth - 10);
            for (int s = 0; s < steps(); s++) {
                double x = labelWidth + s * cw;
                double shade = model.shade(r, s);
                g.setFill(Double.isNaN(shade) ? NONE : LOW.interpolate(HIGH, shade));
                g.fillRect(x + 0.5, y + 0.5, cw - 1, ch - 1);
                if (m.firstNonfinite() != null && m.firstNonfinite() == s) {
                    g.setFill(NONFINITE);
                    g.fillRect(x + 0.5, y + 0.5, cw - 1, ch - 1);
                    if (cw > 44) {
                        g.setFill(Color.WHITE);
                        g.setTextAlign(TextAlignment.CENTER);
                        g.setFont(FONT);
                        g.fillText("NaN/Inf", x + cw / 2, y + ch / 2);
                    }
                }
            }
        }
        if (hoverRow >= 0) {
            g.setStroke(Color.web("#f5a623"));
            g.setLineWidth(2);
            g.strokeRect(labelWidth + hoverStep * cw + 1, hoverRow * ch + 1, cw - 2, ch - 2);
        }
        g.setFill(MUTED);
        g.setFont(FONT);
        g.setTextAlign(TextAlignment.CENTER);
        int every = (int) Math.ceil(40 / cw);
        for (int s = 0; s < steps(); s += Math.max(1, every)) {
            g.fillText(heat.columns().get(s), labelWidth + (s + 0.5) * cw, rows() * ch + AXIS / 2 + 2, cw * every);
        }
    }
}
