package org.ckptinspector.gui.detail;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.ckptinspector.stats.Histogram;
import org.ckptinspector.stats.HistogramScale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * A histogram chart (JFreeChart-FX): one series per checkpoint, overlaid translucently in diff mode. Bars span
 * their bin edges; on a log count axis empty bins are left out, since log 0 does not exist.
 */
public final class HistogramChart {
    private static final Color[] COLORS = {new Color(74, 99, 231, 200), new Color(232, 89, 12, 140)};
    private static final Font TICKS = new Font("SansSerif", Font.PLAIN, 11);

    /** One histogram to draw, under a legend name. */
    public record Series(String name, Histogram histogram) {}

    private HistogramChart() {}

    /** The chart in a viewer; FX thread, unless the viewer is being built off screen. */
    public static ChartViewer viewer(JFreeChart chart) {
        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId("histogram");
        viewer.setPrefHeight(240);
        viewer.setMinHeight(200);
        return viewer;
    }

    /** The chart itself: plain Java2D objects, safe to build on any thread. */
    public static JFreeChart chart(List<Series> series, boolean logCounts) {
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        for (Series s : series) {
            XYIntervalSeries xy = new XYIntervalSeries(s.name());
            double[] e = s.histogram().edges();
            long[] c = s.histogram().counts();
            for (int i = 0; i < c.length; i++) {
                if (logCounts && c[i] == 0) {
                    continue;
                }
                xy.add((e[i] + e[i + 1]) / 2, e[i], e[i + 1], c[i], 0, c[i]);
            }
            data.addSeries(xy);
        }
        boolean logX = !series.isEmpty() && series.get(0).histogram().scale() == HistogramScale.LOG_ABS;
        ValueAxis x = logX ? new LogAxis("|value|") : new NumberAxis("value");
        ValueAxis y = logCounts ? new LogAxis("count") : new NumberAxis("count");
        if (x instanceof NumberAxis nx) {
            nx.setAutoRangeIncludesZero(false);
        }
        if (y instanceof NumberAxis ny) {
            ny.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        } else if (y instanceof LogAxis ly) {
            ly.setSmallestValue(0.5);
            ly.setBase(10);
            ly.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        for (ValueAxis a : List.of(x, y)) {
            a.setTickLabelFont(TICKS);
            a.setLabelFont(TICKS);
            a.setTickLabelPaint(new Color(90, 97, 112));
            a.setLabelPaint(new Color(107, 115, 131));
            a.setAxisLinePaint(new Color(210, 214, 222));
            a.setTickMarkPaint(new Color(210, 214, 222));
        }
        XYBarRenderer r = new XYBarRenderer(0.0);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setUseYInterval(true);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, COLORS[i % COLORS.length]);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(new Color(236, 238, 242));
        plot.setRangeGridlinePaint(new Color(236, 238, 242));
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, series.size() > 1);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 2, 2, 8));
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.TOP);
            legend.setItemFont(TICKS);
            legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        return chart;
    }
}
