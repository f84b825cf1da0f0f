package org.ckptinspector.gui.timeline;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The line chart of one metric of one tensor or module over the steps (JFreeChart): x is the step's index,
 * labelled with its step number; a step without a figure is a gap; the first NaN/Inf step is a red marker.
 */
final class TrajectoryChart {
    private static final Font TICKS = new Font("SansSerif", Font.PLAIN, 11);
    private static final Color LINE = new Color(74, 99, 231);
    private static final Color NONFINITE = new Color(208, 52, 44);

    private TrajectoryChart() {}

    /** The chart; plain Java2D objects. */
    static JFreeChart chart(String name, String metric, List<String> steps, double[] values, Integer nonfinite) {
        XYSeries series = new XYSeries(name, false, true);
        for (int i = 0; i < values.length; i++) {
            series.add(i, Double.isNaN(values[i]) ? null : values[i]);
        }
        SymbolAxis x = new SymbolAxis("step", steps.toArray(String[]::new));
        x.setGridBandsVisible(false);
        NumberAxis y = new NumberAxis(metric);
        y.setAutoRangeIncludesZero(false);
        for (ValueAxis a : List.of(x, y)) {
            a.setTickLabelFont(TICKS);
            a.setLabelFont(TICKS);
            a.setTickLabelPaint(new Color(90, 97, 112));
            a.setLabelPaint(new Color(107, 115, 131));
            a.setAxisLinePaint(new Color(210, 214, 222));
            a.setTickMarkPaint(new Color(210, 214, 222));
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, LINE);
        r.setSeriesStroke(0, new BasicStroke(2f));
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(new Color(236, 238, 242));
        plot.setRangeGridlinePaint(new Color(236, 238, 242));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        if (nonfinite != null) {
            ValueMarker m = new ValueMarker(nonfinite, NONFINITE, new BasicStroke(1.5f));
            m.setLabel("first NaN/Inf");
            m.setLabelFont(TICKS);
            m.setLabelPaint(NONFINITE);
            m.setLabelBackgroundColor(Color.WHITE);
            m.setLabelOffset(new RectangleInsets(2, 4, 2, 4));
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            plot.addDomainMarker(m);
        }
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 2, 2, 8));
        return chart;
    }
}
