package org.ckptinspector.stats;

/**
 * First-pass summary of a run of values: the special-value counts, the range of the finite values and their
 * sum. Partial extents of parallel ranges merge into the whole tensor's. The sum is kept in four interleaved
 * lanes per chunk (so the additions pipeline instead of waiting on each other) and chunks are added with Kahan
 * compensation; it may overflow for values near the float64 limit, which the second pass then handles.
 */
final class Extent {
    long nan;
    long posInf;
    long negInf;
    long finite;
    long zeros;
    long negativeZeros;
    long subnormals;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    /** Smallest non-zero magnitude, for log-spaced bins. */
    double minAbs = Double.POSITIVE_INFINITY;
    private double sum;
    private double compensation;

    /** Adds values[0, n); {@code tiny} is the smallest normal magnitude of the source dtype. */
    void add(double[] values, int n, double tiny) {
        double lo = min;
        double hi = max;
        double small = minAbs;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        long fin = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            double a = values[i];
            double b = values[i + 1];
            double c = values[i + 2];
            double d = values[i + 3];
            if ((a - a) + (b - b) + (c - c) + (d - d) != 0) {
                break; // a NaN or an infinity: the rest of the chunk goes one value at a time
            }
            s0 += a;
            s1 += b;
            s2 += c;
            s3 += d;
            fin += 4;
            // Plain comparisons: no NaN is left here, and Math.min's NaN and -0.0 handling costs a chain of
            // dependent instructions per value.
            double l = a < b ? a : b;
            double l2 = c < d ? c : d;
            double h = a < b ? b : a;
            double h2 = c < d ? d : c;
            l = l < l2 ? l : l2;
            h = h < h2 ? h2 : h;
            if (l < lo) {
                lo = l;
            }
            if (h > hi) {
                hi = h;
            }
            double aa = Math.abs(a);
            double ab = Math.abs(b);
            double ac = Math.abs(c);
            double ad = Math.abs(d);
            double m = aa < ab ? aa : ab;
            double m2 = ac < ad ? ac : ad;
            m = m < m2 ? m : m2;
            if (m < tiny || m < small) {
                small = small(a, small, tiny);
                small = small(b, small, tiny);
                small = small(c, small, tiny);
                small = small(d, small, tiny);
            }
        }
        for (; i < n; i++) {
            double x = values[i];
            if (x - x != 0) {
                countNonFinite(x, 1);
                continue;
            }
            s0 += x;
            fin++;
            if (x < lo) {
                lo = x;
            }
            if (x > hi) {
                hi = x;
            }
            small = small(x, small, tiny);
        }
        min = lo;
        max = hi;
        minAbs = small;
        finite += fin;
        addToSum((s0 + s1) + (s2 + s3));
    }

    /** Counts a zero or subnormal and returns the new smallest non-zero magnitude. */
    private double small(double x, double small, double tiny) {
        double a = Math.abs(x);
        if (a == 0) {
            zeros++;
            if (Double.doubleToRawLongBits(x) != 0) {
                negativeZeros++;
            }
            return small;
        }
        if (a < tiny) {
            subnormals++;
        }
        return Math.min(a, small);
    }

    /** Adds {@code count} copies of {@code x}. */
    void add(double x, long count, double tiny) {
        if (count <= 0) {
            return;
        }
        if (x - x != 0) {
            countNonFinite(x, count);
            return;
        }
        finite += count;
        min = Math.min(min, x);
        max = Math.max(max, x);
        addToSum(x * count);
        double a = Math.abs(x);
        if (a == 0) {
            zeros += count;
            if (Double.doubleToRawLongBits(x) != 0) {
                negativeZeros += count;
            }
        } else {
            minAbs = Math.min(minAbs, a);
            if (a < tiny) {
                subnormals += count;
            }
        }
    }

    private void countNonFinite(double x, long count) {
        if (Double.isNaN(x)) {
            nan += count;
        } else if (x > 0) {
            posInf += count;
        } else {
            negInf += count;
        }
    }

    private void addToSum(double part) {
        double y = part - compensation;
        double t = sum + y;
        compensation = (t - sum) - y;
        sum = t;
    }

    void merge(Extent o) {
        nan += o.nan;
        posInf += o.posInf;
        negInf += o.negInf;
        finite += o.finite;
        zeros += o.zeros;
        negativeZeros += o.negativeZeros;
        subnormals += o.subnormals;
        min = Math.min(min, o.min);
        max = Math.max(max, o.max);
        minAbs = Math.min(minAbs, o.minAbs);
        addToSum(o.sum);
        addToSum(-o.compensation);
    }

    /** Number of NaN and infinite values. */
    long nonFinite() {
        return nan + posInf + negInf;
    }

    /** Mean of the finite values, or NaN when the sum overflowed (values near the float64 limit) or none. */
    double mean() {
        double m = sum / finite;
        return Double.isFinite(sum) && finite > 0 ? Math.min(max, Math.max(min, m)) : Double.NaN;
    }
}
