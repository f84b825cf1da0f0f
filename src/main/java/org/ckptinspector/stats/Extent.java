package org.ckptinspector.stats;

/**
 * First-pass summary of a run of values: the special-value counts and the range of the finite ones. Partial
 * extents of parallel ranges merge into the whole tensor's.
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

    /** Adds values[0, n); {@code tiny} is the smallest normal magnitude of the source dtype. */
    void add(double[] values, int n, double tiny) {
        double lo = min;
        double hi = max;
        double small = minAbs;
        long fin = 0;
        long zero = 0;
        long sub = 0;
        for (int i = 0; i < n; i++) {
            double x = values[i];
            if (x - x != 0) {
                countNonFinite(x, 1);
                continue;
            }
            fin++;
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
            double a = Math.abs(x);
            if (a == 0) {
                zero++;
                if (Double.doubleToRawLongBits(x) != 0) {
                    negativeZeros++;
                }
            } else {
                small = Math.min(small, a);
                if (a < tiny) {
                    sub++;
                }
            }
        }
        min = lo;
        max = hi;
        minAbs = small;
        finite += fin;
        zeros += zero;
        subnormals += sub;
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
    }

    long count() {
        return finite + nan + posInf + negInf;
    }
}
