package org.ckptinspector.stats;

import org.ckptinspector.values.ValueView;

/**
 * What to compute for each tensor.
 *
 * @param bins number of histogram bins (1 … {@value #MAX_BINS})
 * @param scale linear bins over the values, or log-spaced bins over their magnitudes
 * @param view which number of a complex element to describe (the CLI uses the magnitude, {@link ValueView#VALUE})
 * @param threads worker threads at most; the results do not depend on it
 */
public record StatsOptions(int bins, HistogramScale scale, ValueView view, int threads) {
    /** Histogram bins by default, as in the CLI contract. */
    public static final int DEFAULT_BINS = 100;
    /** More bins than this would only cost memory per worker. */
    public static final int MAX_BINS = 1 << 20;
    /** 100 linear bins over the values (complex: magnitudes), one thread per core. */
    public static final StatsOptions DEFAULT = new StatsOptions(DEFAULT_BINS, HistogramScale.LINEAR, ValueView.VALUE,
            Runtime.getRuntime().availableProcessors());

    public StatsOptions {
        if (bins < 1 || bins > MAX_BINS) {
            throw new IllegalArgumentException("bins must be between 1 and " + MAX_BINS + ", not " + bins);
        }
        java.util.Objects.requireNonNull(scale);
        java.util.Objects.requireNonNull(view);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
    }

    public StatsOptions withBins(int n) {
        return new StatsOptions(n, scale, view, threads);
    }

    public StatsOptions withScale(HistogramScale s) {
        return new StatsOptions(bins, s, view, threads);
    }

    public StatsOptions withView(ValueView v) {
        return new StatsOptions(bins, scale, v, threads);
    }

    public StatsOptions withThreads(int n) {
        return new StatsOptions(bins, scale, view, n);
    }
}
