package org.ckptinspector.stats;

import org.ckptinspector.model.DType;

/**
 * Where values fall in the histograms of the second pass. Values are first multiplied by a power of two
 * ({@link #scale}, exact) that brings the largest magnitude near 1, so sums of squares and bin arithmetic
 * cannot overflow even for values near the float64 limit. The linear histogram is kept {@link #perBin} times
 * finer than asked, for quantiles; each requested bin is {@code perBin} fine bins.
 */
final class BinLayout {
    /** Integer ranges up to this width get exact counts per value. */
    static final long EXACT_RANGE = 1 << 16;
    private static final double MAX_EXACT_INTEGER = 0x1p53;

    final double scale;
    /** The mean from the first pass times {@link #scale}, or NaN when the first pass's sum overflowed. */
    final double meanScaled;
    final int bins;
    final int perBin;
    final int fineBins;
    /** Range of the linear histogram, unscaled (widened when all values are equal). */
    final double lo;
    final double hi;
    final double loScaled;
    final double fineWidthScaled;
    private final double invFineWidth;
    final boolean logScale;
    final double logLo;
    final double logHi;
    private final double invLogWidth;
    private final boolean logWidened;
    /** The smallest value of an exactly counted integer range, and the range's width; 0 when off. */
    final long exactMin;
    final int exactWidth;

    BinLayout(Extent e, StatsOptions options, DType dtype) {
        double a = Math.max(Math.abs(e.min), Math.abs(e.max));
        double low = e.min;
        double high = e.max;
        if (low == high) {
            // numpy widens a degenerate range by 0.5 on each side; beyond 2^52 that would vanish in rounding.
            double d = Math.max(0.5, a * 0x1p-20);
            low -= d;
            high += d;
            a = Math.max(Math.abs(low), Math.abs(high));
        }
        this.lo = low;
        this.hi = high;
        this.scale = a == 0 ? 1.0 : Math.scalb(1.0, -Math.getExponent(a));
        this.meanScaled = e.mean() * scale;
        this.bins = options.bins();
        this.perBin = Math.max(1, (Quantiles.FINE_BINS + bins - 1) / bins);
        this.fineBins = Math.multiplyExact(bins, perBin);
        this.loScaled = low * scale;
        this.fineWidthScaled = (high * scale - loScaled) / fineBins;
        this.invFineWidth = 1.0 / fineWidthScaled;
        this.logScale = options.scale() == HistogramScale.LOG_ABS && e.minAbs <= a;
        if (logScale) {
            double l0 = Math.log(e.minAbs);
            double l1 = Math.log(Math.max(Math.abs(e.min), Math.abs(e.max)));
            this.logWidened = l0 == l1;
            if (logWidened) {
                l0 -= 0.5;
                l1 += 0.5;
            }
            this.logLo = l0;
            this.logHi = l1;
            this.invLogWidth = bins / (l1 - l0);
        } else {
            this.logLo = 0;
            this.logHi = 0;
            this.invLogWidth = 0;
            this.logWidened = false;
        }
        boolean integral = dtype.kind() == DType.Kind.INT || dtype.kind() == DType.Kind.UINT
                || dtype.kind() == DType.Kind.BOOL || dtype.kind() == DType.Kind.RAW;
        if (integral && e.finite > 0 && Math.abs(e.min) <= MAX_EXACT_INTEGER && Math.abs(e.max) <= MAX_EXACT_INTEGER
                && e.max - e.min < EXACT_RANGE) {
            this.exactMin = (long) e.min;
            this.exactWidth = (int) ((long) e.max - exactMin + 1);
        } else {
            this.exactMin = 0;
            this.exactWidth = 0;
        }
    }

    /** Fine linear bin of a finite scaled value. */
    int fineBin(double scaled) {
        int b = (int) ((scaled - loScaled) * invFineWidth);
        return b >= fineBins ? fineBins - 1 : b < 0 ? 0 : b;
    }

    /** Log bin of a finite non-zero unscaled value. */
    int logBin(double x) {
        int b = (int) ((Math.log(Math.abs(x)) - logLo) * invLogWidth);
        return b >= bins ? bins - 1 : Math.max(b, 0);
    }

    /** Edge {@code i} of the requested linear bins, unscaled; the outer edges are exactly lo and hi. */
    double linearEdge(int i) {
        if (i == 0) {
            return lo;
        }
        if (i == bins) {
            return hi;
        }
        return (loScaled + (double) i * perBin * fineWidthScaled) / scale;
    }

    /** Edge {@code i} of the log bins, a magnitude. */
    double logEdge(int i, double minAbs, double maxAbs) {
        if (i == 0 && !logWidened) {
            return minAbs;
        }
        if (i == bins && !logWidened) {
            return maxAbs;
        }
        return Math.exp(logLo + i * (logHi - logLo) / bins);
    }

    /** Lower edge of fine bin {@code b}, unscaled. */
    double fineEdge(int b) {
        return b == 0 ? lo : b == fineBins ? hi : (loScaled + b * fineWidthScaled) / scale;
    }
}
