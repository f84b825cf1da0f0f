package org.ckptinspector.gui.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleInsets;

/** The look the app's JFreeChart charts share: small grey axes, a white plot with faint grid lines. */
public final class ChartStyle {
    /** Tick and axis label font. */
    public static final Font TICKS = new Font("SansSerif", Font.PLAIN, 11);

    private ChartStyle() {}

    /** Styles the axes. */
    public static void axes(ValueAxis... axes) {
        for (ValueAxis a : axes) {
            a.setTickLabelFont(TICKS);
            a.setLabelFont(TICKS);
            a.setTickLabelPaint(new Color(90, 97, 112));
            a.setLabelPaint(new Color(107, 115, 131));
            a.setAxisLinePaint(new Color(210, 214, 222));
            a.setTickMarkPaint(new Color(210, 214, 222));
        }
    }

    /** Styles the plot area. */
    public static void plot(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinePaint(new Color(236, 238, 242));
        plot.setRangeGridlinePaint(new Color(236, 238, 242));
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
    }
}
