package org.ckptinspector.gui.detail;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.ckptinspector.app.Formats;
import org.controlsfx.control.RangeSlider;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.data.Range;

/**
 * A range slider under the histogram that zooms its value axis to the part the user drags it to; on a log axis
 * the slider moves in decades. Both ends back at the edges show the whole range again.
 */
final class HistogramZoom {
    private HistogramZoom() {}

    /** The slider for {@code chart}'s value axis, as it is now (the whole range); FX thread. */
    static Node of(JFreeChart chart) {
        ValueAxis axis = chart.getXYPlot().getDomainAxis();
        boolean log = axis instanceof LogAxis;
        Range full = axis.getRange();
        double min = scale(full.getLowerBound(), log);
        double max = scale(full.getUpperBound(), log);
        RangeSlider slider = new RangeSlider(min, max, min, max);
        slider.setId("histogramZoom");
        HBox.setHgrow(slider, Priority.ALWAYS);
        Label shown = new Label("whole range");
        shown.getStyleClass().add("link-meta");
        shown.setMinWidth(150);
        Runnable zoom = () -> {
            double lo = slider.getLowValue();
            double hi = slider.getHighValue();
            if (lo <= min && hi >= max || hi <= lo) {
                axis.setRange(full);
                shown.setText("whole range");
            } else {
                axis.setRange(unscale(lo, log), unscale(hi, log));
                shown.setText(Formats.number(unscale(lo, log)) + " … " + Formats.number(unscale(hi, log)));
            }
        };
        slider.lowValueProperty().addListener((o, was, now) -> zoom.run());
        slider.highValueProperty().addListener((o, was, now) -> zoom.run());
        Label title = new Label("zoom");
        title.getStyleClass().add("fact-label");
        HBox row = new HBox(10, title, slider, shown);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("chart-controls");
        return row;
    }

    private static double scale(double v, boolean log) {
        return log ? Math.log10(v) : v;
    }

    private static double unscale(double v, boolean log) {
        return log ? Math.pow(10, v) : v;
    }
}
