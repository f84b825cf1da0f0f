package org.ckptinspector.stats;

import java.util.function.LongToDoubleFunction;

/** Percentiles with numpy's default linear interpolation, from exact value counts or from fine bins. */
final class QuantileMath {
    private static final double[] PERCENTS = {0.01, 0.50, 0.99};

    private QuantileMath() {}

    /** From distinct values in ascending order with their counts (total {@code n} > 0). */
    static Quantiles exact(double[] sorted, long[] counts, long n) {
        return interpolate(rank -> nth(sorted, counts, rank), n, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                true);
    }

    /** From the layout's fine linear bins, spreading each bin's values evenly over its width. */
    static Quantiles fromBins(long[] fine, BinLayout layout, long n, double min, double max) {
        return interpolate(rank -> approximateNth(fine, layout, rank), n, min, max, false);
    }

    /**
     * numpy's linear interpolation between the values of ranks ⌊h⌋ and ⌊h⌋ + 1, h = p·(n − 1), clamped to
     * [min, max]; {@code nth} gives the value of a rank.
     */
    static Quantiles interpolate(LongToDoubleFunction nth, long n, double min, double max, boolean exact) {
        double[] q = new double[PERCENTS.length];
        for (int i = 0; i < q.length; i++) {
            double h = PERCENTS[i] * (n - 1);
            long below = (long) Math.floor(h);
            double lower = nth.applyAsDouble(below);
            double upper = below + 1 < n ? nth.applyAsDouble(below + 1) : lower;
            q[i] = Math.min(max, Math.max(min, lower + (h - below) * (upper - lower)));
        }
        return new Quantiles(q[0], q[1], q[2], exact);
    }

    private static double nth(double[] sorted, long[] counts, long rank) {
        long seen = 0;
        for (int i = 0; i < sorted.length; i++) {
            seen += counts[i];
            if (rank < seen) {
                return sorted[i];
            }
        }
        return sorted[sorted.length - 1];
    }

    private static double approximateNth(long[] fine, BinLayout layout, long rank) {
        long seen = 0;
        for (int b = 0; b < fine.length; b++) {
            long c = fine[b];
            if (rank < seen + c) {
                double from = layout.fineEdge(b);
                double to = layout.fineEdge(b + 1);
                return from + (rank - seen + 0.5) / c * (to - from);
            }
            seen += c;
        }
        return layout.hi;
    }
}
