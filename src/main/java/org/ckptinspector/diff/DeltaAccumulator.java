package org.ckptinspector.diff;

/**
 * Sums for the Δ statistics of one range of value pairs. NaN against NaN and an infinity against the same
 * infinity count as equal; every statistic is taken over the positions where both values are finite. Sums are
 * formed per chunk and then added, which keeps the rounding error small for tensors of billions of values.
 * The diff and the trajectory of a run both use it, so a figure means the same in both.
 */
public final class DeltaAccumulator {
    private long finitePairs;
    private long changed;
    private long values;
    private long nonfiniteMismatches;
    private double maxAbs;
    /** Largest a² of the finite pairs compared: the scale of A's rounding unit. */
    private double maxSquareA;
    private double sumAbs;
    private double sumSqDiff;
    private double sumSqA;
    private double sumSqB;
    private double dot;

    /** Adds {@code a[0, n)} against {@code b[0, n)}. */
    public void addReal(double[] a, double[] b, int n) {
        if (allFinite(a, n) && allFinite(b, n)) {
            addFinite(a, b, n);
        } else {
            add(a, null, b, null, n);
        }
    }

    /**
     * Adds the sums of {@code n} pairs that are all finite, formed by the caller: the trajectory of a run forms
     * the sums of several comparisons in one pass over its values.
     */
    public void addFinitePairs(int n, long differ, double max, double abs, double sqDiff, double sqA, double sqB,
            double ab) {
        finitePairs += n;
        values += n;
        changed += differ;
        maxAbs = Math.max(maxAbs, max);
        sumAbs += abs;
        sumSqDiff += sqDiff;
        sumSqA += sqA;
        sumSqB += sqB;
        dot += ab;
    }

    /** True when no value is NaN or infinite: an exponent field of all ones carries into the sign bit. */
    private static boolean allFinite(double[] x, int n) {
        long carry = 0;
        for (int i = 0; i < n; i++) {
            carry |= (Double.doubleToRawLongBits(x[i]) & 0x7FF0_0000_0000_0000L) + (1L << 52);
        }
        return carry >= 0;
    }

    /**
     * {@link #add} for chunks of finite values only: no branches, and two sets of sums (even and odd positions)
     * so that consecutive additions do not wait on each other.
     */
    private void addFinite(double[] a, double[] b, int n) {
        double max0 = maxAbs;
        double max1 = maxAbs;
        double abs0 = 0;
        double abs1 = 0;
        double sq0 = 0;
        double sq1 = 0;
        double sa0 = 0;
        double sa1 = 0;
        double sb0 = 0;
        double sb1 = 0;
        double ab0 = 0;
        double ab1 = 0;
        double ma0 = maxSquareA;
        double ma1 = maxSquareA;
        long differ = 0;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            double x0 = a[i];
            double y0 = b[i];
            double x1 = a[i + 1];
            double y1 = b[i + 1];
            double d0 = x0 - y0;
            double d1 = x1 - y1;
            double ad0 = Math.abs(d0);
            double ad1 = Math.abs(d1);
            max0 = Math.max(max0, ad0);
            max1 = Math.max(max1, ad1);
            abs0 += ad0;
            abs1 += ad1;
            sq0 += d0 * d0;
            sq1 += d1 * d1;
            double q0 = x0 * x0;
            double q1 = x1 * x1;
            sa0 += q0;
            sa1 += q1;
            sb0 += y0 * y0;
            sb1 += y1 * y1;
            ab0 += x0 * y0;
            ab1 += x1 * y1;
            ma0 = q0 > ma0 ? q0 : ma0; // finite here: a compare, not Math.max's NaN and −0 handling
            ma1 = q1 > ma1 ? q1 : ma1;
            differ += (d0 != 0 ? 1 : 0) + (d1 != 0 ? 1 : 0);
        }
        if (i < n) {
            double d = a[i] - b[i];
            max0 = Math.max(max0, Math.abs(d));
            abs0 += Math.abs(d);
            sq0 += d * d;
            sa0 += a[i] * a[i];
            sb0 += b[i] * b[i];
            ab0 += a[i] * b[i];
            ma0 = Math.max(ma0, a[i] * a[i]);
            differ += d != 0 ? 1 : 0;
        }
        maxSquareA = Math.max(ma0, ma1);
        finitePairs += n;
        changed += differ;
        values += n;
        maxAbs = Math.max(max0, max1);
        sumAbs += abs0 + abs1;
        sumSqDiff += sq0 + sq1;
        sumSqA += sa0 + sa1;
        sumSqB += sb0 + sb1;
        dot += ab0 + ab1;
    }

    /** Adds complex values given as real and imaginary parts; |Δ| is the modulus of the complex difference. */
    void addComplex(double[] aRe, double[] aIm, double[] bRe, double[] bIm, int n) {
        add(aRe, aIm, bRe, bIm, n);
    }

    /** One pass over a chunk; the imaginary arrays are null for real values (a test the JIT lifts out). */
    private void add(double[] aRe, double[] aIm, double[] bRe, double[] bIm, int n) {
        boolean complex = aIm != null;
        long pairs = 0;
        long mismatches = 0;
        long differ = 0;
        double max = maxAbs;
        double abs = 0;
        double sqDiff = 0;
        double sqA = 0;
        double sqB = 0;
        double ab = 0;
        for (int i = 0; i < n; i++) {
            double xr = aRe[i];
            double yr = bRe[i];
            double xi = complex ? aIm[i] : 0;
            double yi = complex ? bIm[i] : 0;
            if (Double.isFinite(xr) && Double.isFinite(yr) && Double.isFinite(xi) && Double.isFinite(yi)) {
                double dr = xr - yr;
                double di = xi - yi;
                double d2 = dr * dr + di * di;
                double ad = complex ? Math.sqrt(d2) : Math.abs(dr);
                max = Math.max(max, ad);
                abs += ad;
                sqDiff += d2;
                sqA += xr * xr + xi * xi;
                sqB += yr * yr + yi * yi;
                ab += xr * yr + xi * yi;
                maxSquareA = Math.max(maxSquareA, xr * xr + xi * xi);
                pairs++;
                if (dr != 0 || di != 0) {
                    differ++;
                }
            } else if (!(same(xr, yr) && same(xi, yi))) {
                mismatches++;
                differ++;
            }
        }
        changed += differ;
        values += n;
        finitePairs += pairs;
        nonfiniteMismatches += mismatches;
        maxAbs = max;
        sumAbs += abs;
        sumSqDiff += sqDiff;
        sumSqA += sqA;
        sumSqB += sqB;
        dot += ab;
    }

    /** Adds another range's sums; merging in a fixed order gives the same figures on every run. */
    public void merge(DeltaAccumulator o) {
        finitePairs += o.finitePairs;
        changed += o.changed;
        values += o.values;
        nonfiniteMismatches += o.nonfiniteMismatches;
        maxAbs = Math.max(maxAbs, o.maxAbs);
        maxSquareA = Math.max(maxSquareA, o.maxSquareA);
        sumAbs += o.sumAbs;
        sumSqDiff += o.sumSqDiff;
        sumSqA += o.sumSqA;
        sumSqB += o.sumSqB;
        dot += o.dot;
    }

    /** Positions whose values differ (NaN equals NaN, an infinity the same infinity; -0.0 equals 0.0). */
    public long changedValues() {
        return changed;
    }

    /**
     * True when values differ but only as rounding A and B to dtypes of rounding units {@code epsA} and
     * {@code epsB} (relative, as {@link DeltaRank#eps}) can make them differ: every value finite, no |a − b|
     * above one unit at A's largest magnitude, max(ε_A, ε_B)·max|a|, and ‖A − B‖_F within half the
     * rounding floor, (ε_A‖A‖_F + ε_B‖B‖_F) / 2, which rounding each value to nearest (half a unit) cannot exceed. A
     * re-quantization or a recomputation in another order, not an update; integers (ε = 0) never are.
     */
    boolean withinRounding(double epsA, double epsB) {
        if (changed == 0 || nonfiniteMismatches > 0 || finitePairs != values) {
            return false;
        }
        double unit = Math.max(epsA, epsB) * Math.sqrt(maxSquareA);
        double floor = (epsA * Math.sqrt(sumSqA) + epsB * Math.sqrt(sumSqB)) / 2;
        return maxAbs <= unit && Math.sqrt(sumSqDiff) <= floor;
    }

    /** The figures of the pairs added so far, with A as the added {@code a} and B as {@code b}. */
    public ValueChange result(String key) {
        if (finitePairs == 0) {
            return new ValueChange(key, null, null, null, null, 0, nonfiniteMismatches, changed, values, null);
        }
        double normB = Math.sqrt(sumSqB);
        double normA = Math.sqrt(sumSqA);
        Double relL2 = normB > 0 ? finiteOrNull(Math.sqrt(sumSqDiff) / normB) : null;
        Double cosine = normA > 0 && normB > 0 ? finiteOrNull(dot / (normA * normB)) : null;
        return new ValueChange(key, maxAbs, finiteOrNull(sumAbs / finitePairs), relL2, cosine, finitePairs,
                nonfiniteMismatches, changed, values, null);
    }

    /** Equal values, counting NaN as equal to NaN. */
    private static boolean same(double x, double y) {
        return x == y || Double.isNaN(x) && Double.isNaN(y);
    }

    /** Sums of squares overflow for values near the float64 limit; such a statistic does not exist here. */
    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
