package org.ckptinspector.stats;

/** Percentiles with numpy's default linear interpolation, from exact value counts or from fine bins. */
final class QuantileMath {
    private static final double[] PERCENTS = {0.01, 0.50, 0.99};

    private QuantileMath() {}

    /** From distinct values in ascending order with their counts (total {@code n} > 0). */
    static Quantiles exact(double[] sorted, long[] counts, long n) {
        double[] q = new double[PERCENTS.length];
        for (int i = 0; i < q.length; i++) {
            double h = PERCENTS[i] * (n - 1);
            long below = (long) Math.floor(h);
            double lower = nth(sorted, counts, below);
            double upper = below + 1 < n ? nth(sorted, counts, below + 1) : lower;
            q[i] = lower + (h - below) * (upper - lower);
        }
        return new Quantiles(q[0], q[1], q[2], true);
    }

    /** From the layout's fine linear bins, spreading each bin's values evenly over its width. */
    static Quantiles fromBins(long[] fine, BinLayout layout, long n, double min, double max) {
        double[] q = new double[PERCENTS.length];
        for (int i = 0; i < q.length; i++) {
            double h = PERCENTS[i] * (n - 1);
            long below = (long) Math.floor(h);
            double lower = approximateNth(fine, layout, below);
            double upper = below + 1 < n ? approximateNth(fine, layout, below + 1) : lower;
            q[i] = Math.min(max, Math.max(min, lower + (h - below) * (upper - lower)));
        }
        return new Quantiles(q[0], q[1], q[2], false);
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
