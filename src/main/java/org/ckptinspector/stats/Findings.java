package org.ckptinspector.stats;

import org.ckptinspector.model.DType;
import org.ckptinspector.values.ValueView;

/**
 * What a statistics pass found, before it becomes a {@link TensorStats}.
 *
 * @param extent counts and range
 * @param n finite values behind the moments
 * @param mean mean of the finite values
 * @param m2 sum of squared deviations from the mean, times {@code scale²}
 * @param scale the power of two the second pass multiplied values by, so that m2 cannot overflow
 * @param histogram null when there is no finite value
 * @param quantiles null when there is no finite value
 * @param valueCounts null unless exact integer counts were kept
 */
record Findings(Extent extent, long n, double mean, double m2, double scale, Histogram histogram,
        Quantiles quantiles, ValueCounts valueCounts) {

    /** Findings of a tensor without finite values: only the counts. */
    static Findings countsOnly(Extent e) {
        return new Findings(e, 0, Double.NaN, Double.NaN, 1, null, null, null);
    }

    Findings withQuantiles(Quantiles q) {
        return new Findings(extent, n, mean, m2, scale, histogram, q, valueCounts);
    }

    TensorStats toStats(String key, DType dtype, ValueView view, long count) {
        Extent e = extent;
        double none = Double.NaN;
        if (n == 0) {
            return new TensorStats(key, dtype, view, count, e.finite, e.nan, e.posInf, e.negInf, e.zeros,
                    e.negativeZeros, e.subnormals, none, none, none, none, none, none, null, null, null, null);
        }
        double std = n > 1 ? Math.sqrt(m2 / (n - 1)) / scale : none;
        double popStd = Math.sqrt(m2 / n) / scale;
        double ms = mean * scale;
        double l2 = Math.sqrt(m2 + n * ms * ms) / scale;
        return new TensorStats(key, dtype, view, count, e.finite, e.nan, e.posInf, e.negInf, e.zeros,
                e.negativeZeros, e.subnormals, e.min, e.max, mean, std, popStd, l2, histogram, quantiles,
                valueCounts, null);
    }

    /** The requested bins of a layout from its fine bins, or its log bins. */
    static Histogram histogram(BinLayout layout, Distribution dist, Extent extent) {
        int bins = layout.bins;
        double[] edges = new double[bins + 1];
        long[] out = new long[bins];
        if (layout.logScale) {
            double maxAbs = Math.max(Math.abs(extent.min), Math.abs(extent.max));
            for (int i = 0; i <= bins; i++) {
                edges[i] = layout.logEdge(i, extent.minAbs, maxAbs);
            }
            System.arraycopy(dist.log, 0, out, 0, bins);
            return new Histogram(HistogramScale.LOG_ABS, edges, out);
        }
        for (int i = 0; i <= bins; i++) {
            edges[i] = layout.linearEdge(i);
        }
        long[] fine = dist.fineCounts();
        for (int b = 0; b < fine.length; b++) {
            out[b / layout.perBin] += fine[b];
        }
        return new Histogram(HistogramScale.LINEAR, edges, out);
    }
}
