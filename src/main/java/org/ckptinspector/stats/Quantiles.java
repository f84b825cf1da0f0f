package org.ckptinspector.stats;

/**
 * The 1st, 50th and 99th percentiles of the finite values, with numpy's default (linear) interpolation.
 *
 * @param exact true when computed from exact value counts (dtypes of at most 16 bits, small integer ranges);
 *     false when interpolated in a fine histogram, then off by at most (max − min) / {@link #FINE_BINS}
 */
public record Quantiles(double p1, double p50, double p99, boolean exact) {
    /** Bins of the fine histogram that approximate quantiles come from. */
    public static final int FINE_BINS = 4096;
}
