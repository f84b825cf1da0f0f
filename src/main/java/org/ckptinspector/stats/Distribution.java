package org.ckptinspector.stats;

/**
 * Second-pass summary of a run of finite values: the spread around the mean and the histogram bins, in the
 * layout's scaled units.
 *
 * <p>When the first pass found the mean, this is the corrected two-pass algorithm: squared deviations from that
 * mean are summed (in four lanes, so the additions pipeline), and the sum of the deviations themselves corrects
 * for the mean's own rounding (Björck; Chan, Golub and LeVeque 1983). When the first pass's sum overflowed
 * (values near the float64 limit), each chunk's mean and deviations are computed while it is in cache and the
 * chunks are merged with Chan's pairwise formula instead.
 */
final class Distribution {
    /** Bin counts are kept in int lanes and flushed to longs before they could overflow. */
    private static final long FLUSH_EVERY = 1L << 30;

    private final BinLayout layout;
    private final boolean meanKnown;
    private final double center;
    /** Mean-known mode: Σ d², Σ d with d the scaled deviation from {@link #center}. */
    private double squares;
    private double deviations;
    /** The count in the mean-known mode. */
    private long n;
    /** Chan mode: the chunks' moments, merged. */
    private final Moments chunked = new Moments();
    private final long[] fine;
    private final int[] laneA;
    private final int[] laneB;
    private long pending;
    final long[] log;
    final long[] exact;

    Distribution(BinLayout layout) {
        this.layout = layout;
        this.meanKnown = !Double.isNaN(layout.meanScaled);
        this.center = meanKnown ? layout.meanScaled : 0;
        this.fine = new long[layout.fineBins];
        this.laneA = new int[layout.fineBins];
        this.laneB = new int[layout.fineBins];
        this.log = layout.logScale ? new long[layout.bins] : null;
        this.exact = layout.exactWidth > 0 ? new long[layout.exactWidth] : null;
    }

    /** Adds the finite ones of values[0, count); {@code allFinite} promises there is no NaN or Inf among them. */
    void add(double[] values, int count, boolean allFinite) {
        if (!meanKnown) {
            addChunked(values, count);
        } else if (allFinite) {
            addFinite(values, count);
        } else {
            addChecked(values, count);
        }
        if (log != null || exact != null) {
            addSideBins(values, count);
        }
        pending += count;
        if (pending >= FLUSH_EVERY) {
            flush();
        }
    }

    private void addFinite(double[] values, int count) {
        double s = layout.scale;
        double c = center;
        // Four lanes per sum, so that the additions pipeline instead of waiting for each other.
        double q0 = 0;
        double q1 = 0;
        double q2 = 0;
        double q3 = 0;
        double d0 = 0;
        double d1 = 0;
        double d2 = 0;
        double d3 = 0;
        int[] a = laneA;
        int[] b = laneB;
        int i = 0;
        for (; i + 4 <= count; i += 4) {
            double x0 = values[i] * s;
            double x1 = values[i + 1] * s;
            double x2 = values[i + 2] * s;
            double x3 = values[i + 3] * s;
            double e0 = x0 - c;
            double e1 = x1 - c;
            double e2 = x2 - c;
            double e3 = x3 - c;
            q0 += e0 * e0;
            q1 += e1 * e1;
            q2 += e2 * e2;
            q3 += e3 * e3;
            d0 += e0;
            d1 += e1;
            d2 += e2;
            d3 += e3;
            a[layout.fineBin(x0)]++;
            b[layout.fineBin(x1)]++;
            a[layout.fineBin(x2)]++;
            b[layout.fineBin(x3)]++;
        }
        for (; i < count; i++) {
            double x = values[i] * s;
            double e = x - c;
            q0 += e * e;
            d0 += e;
            a[layout.fineBin(x)]++;
        }
        squares += (q0 + q1) + (q2 + q3);
        deviations += (d0 + d1) + (d2 + d3);
        n += count;
    }

    private void addChecked(double[] values, int count) {
        double s = layout.scale;
        double q = 0;
        double d = 0;
        int k = 0;
        for (int i = 0; i < count; i++) {
            double x = values[i];
            if (x - x == 0) {
                double xs = x * s;
                double e = xs - center;
                q += e * e;
                d += e;
                laneA[layout.fineBin(xs)]++;
                k++;
            }
        }
        squares += q;
        deviations += d;
        n += k;
    }

    /** Chan mode: the chunk's own mean, its deviations, then the pairwise merge. */
    private void addChunked(double[] values, int count) {
        double s = layout.scale;
        double sum = 0;
        int k = 0;
        for (int i = 0; i < count; i++) {
            double x = values[i];
            if (x - x == 0) {
                sum += x * s;
                k++;
            }
        }
        if (k == 0) {
            return;
        }
        double m = sum / k;
        double dev = 0;
        for (int i = 0; i < count; i++) {
            double x = values[i];
            if (x - x == 0) {
                double xs = x * s;
                double e = xs - m;
                dev += e * e;
                laneA[layout.fineBin(xs)]++;
            }
        }
        chunked.combine(k, m, dev);
    }

    private void addSideBins(double[] values, int count) {
        for (int i = 0; i < count; i++) {
            double x = values[i];
            if (x - x == 0) {
                if (log != null && x != 0) {
                    log[layout.logBin(x)]++;
                }
                if (exact != null) {
                    exact[(int) ((long) x - layout.exactMin)]++;
                }
            }
        }
    }

    /** Adds {@code counts[i]} copies of each finite {@code values[i]}: exact statistics from a code table. */
    void addCounted(double[] values, long[] counts) {
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (counts[i] > 0 && x - x == 0) {
                addConstant(x, counts[i]);
            }
        }
    }

    /** Adds {@code count} copies of one finite value (a counted code, or the implicit zeros of a sparse tensor). */
    void addConstant(double x, long count) {
        if (count <= 0) {
            return;
        }
        double xs = x * layout.scale;
        fine[layout.fineBin(xs)] += count;
        if (log != null && x != 0) {
            log[layout.logBin(x)] += count;
        }
        if (exact != null) {
            exact[(int) ((long) x - layout.exactMin)] += count;
        }
        if (meanKnown) {
            double e = xs - center;
            squares += e * e * count;
            deviations += e * count;
            n += count;
        } else {
            chunked.combine(count, xs, 0);
        }
    }

    void merge(Distribution o) {
        o.flush();
        flush();
        for (int i = 0; i < fine.length; i++) {
            fine[i] += o.fine[i];
        }
        if (log != null) {
            for (int i = 0; i < log.length; i++) {
                log[i] += o.log[i];
            }
        }
        if (exact != null) {
            for (int i = 0; i < exact.length; i++) {
                exact[i] += o.exact[i];
            }
        }
        if (meanKnown) {
            squares += o.squares;
            deviations += o.deviations;
            n += o.n;
        } else {
            chunked.combine(o.chunked);
        }
    }

    private void flush() {
        for (int i = 0; i < fine.length; i++) {
            fine[i] += laneA[i] + (long) laneB[i];
        }
        java.util.Arrays.fill(laneA, 0);
        java.util.Arrays.fill(laneB, 0);
        pending = 0;
    }

    /** The fine linear bin counts. */
    long[] fineCounts() {
        flush();
        return fine;
    }

    /** Exact counts per integer value, or null when the layout keeps none. */
    ValueCounts valueCounts() {
        if (exact == null) {
            return null;
        }
        int k = 0;
        for (long c : exact) {
            k += c > 0 ? 1 : 0;
        }
        double[] v = new double[k];
        long[] c = new long[k];
        int j = 0;
        for (int i = 0; i < exact.length; i++) {
            if (exact[i] > 0) {
                v[j] = layout.exactMin + i;
                c[j++] = exact[i];
            }
        }
        return new ValueCounts(v, c);
    }

    /** Number of finite values added. */
    long count() {
        return meanKnown ? n : chunked.n;
    }

    /** Mean, scaled. */
    double meanScaled() {
        return meanKnown ? center + deviations / n : chunked.mean;
    }

    /** Sum of squared deviations from the mean, scaled. */
    double m2Scaled() {
        return meanKnown ? Math.max(0, squares - deviations * deviations / n) : chunked.m2;
    }
}
