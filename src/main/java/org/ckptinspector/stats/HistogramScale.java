package org.ckptinspector.stats;

/** How histogram bins are spaced. */
public enum HistogramScale {
    /** Equal-width bins over [min, max] of the finite values. */
    LINEAR,
    /**
     * Bins equal in log |x| over [min |x|, max |x|] of the finite non-zero values; zeros are left out (they are
     * counted in {@link TensorStats#zeros()}), so the counts sum to finite − zeros.
     */
    LOG_ABS
}
