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
    private double sumAbs;
    private double sumSqDiff;
    private double sumSqA;
    private double sumSqB;
    private double dot;

    /** Adds {@code a[0, n)} against {@code b[0, n)}. */
    public void addReal(double[] a, double[] b, int n) {
        add(a, null, b, null, n);
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
