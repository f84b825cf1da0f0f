package org.ckptinspector.stats;

import org.ckptinspector.values.ValueView;

/**
 * What to compute for each tensor.
 *
 * @param bins number of histogram bins (1 … {@value #MAX_BINS})
 * @param scale linear bins over the values, or log-spaced bins over their magnitudes
 * @param view which number of a complex element to describe (the CLI uses the magnitude, {@link ValueView#VALUE})
 */
public record StatsOptions(int bins, HistogramScale scale, ValueView view) {
    /** Histogram bins by default, as in the CLI contract. */
    public static final int DEFAULT_BINS = 100;
    /** More bins than this would only cost memory per worker. */
    public static final int MAX_BINS = 1 << 20;
    /** 100 linear bins over the values (complex: magnitudes). */
    public static final StatsOptions DEFAULT = new StatsOptions(DEFAULT_BINS, HistogramScale.LINEAR, ValueView.VALUE);

    public StatsOptions {
        if (bins < 1 || bins > MAX_BINS) {
            throw new IllegalArgumentException("bins must be between 1 and " + MAX_BINS + ", not " + bins);
        }
        java.util.Objects.requireNonNull(scale);
        java.util.Objects.requireNonNull(view);
    }

    public StatsOptions withBins(int n) {
        return new StatsOptions(n, scale, view);
    }

    public StatsOptions withScale(HistogramScale s) {
        return new StatsOptions(bins, s, view);
    }

    public StatsOptions withView(ValueView v) {
        return new StatsOptions(bins, scale, v);
    }
}
