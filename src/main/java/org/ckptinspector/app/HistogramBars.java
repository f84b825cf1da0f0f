package org.ckptinspector.app;

import org.ckptinspector.stats.Histogram;
import org.ckptinspector.stats.HistogramScale;

/**
 * One histogram to draw under a legend name: {@code counts[i]} values in {@code [edges[i], edges[i+1])}.
 *
 * @param logAbs whether the edges are of |x| on a log scale
 */
public record HistogramBars(String name, double[] edges, long[] counts, boolean logAbs) {

    public static HistogramBars of(String name, Histogram h) {
        return new HistogramBars(name, h.edges(), h.counts(), h.scale() == HistogramScale.LOG_ABS);
    }
}
