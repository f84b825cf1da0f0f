package org.ckptinspector.trajectory;

import org.ckptinspector.diff.DeltaAccumulator;

/**
 * The float64 sums behind one step's figures for a range of one tensor, a whole tensor or a whole module: the
 * squares of its finite values, its non-finite values, its differences to the previous step (null when that step
 * lacks the tensor), and the sums over the positions where it and the first (or the last) step that holds the
 * tensor are both finite that {@code rel_first} (and {@code cos_last}) need.
 */
final class StepSums {
    private long values;
    private long nonfinite;
    private double squares;
    private DeltaAccumulator prev;
    private long firstPairs;
    private double firstDiffSquares;
    private double firstSquares;
    private long lastPairs;
    private double lastDot;
    private double lastOwnSquares;
    private double lastSquares;

    static StepSums open(boolean hasPrev) {
        StepSums s = new StepSums();
        s.prev = hasPrev ? new DeltaAccumulator() : null;
        return s;
    }

    /** The sum of squares of {@code x[0, n)}: not finite when a value is not (or the sum overflows). */
    static double squares(double[] x, int n) {
        double s0 = 0;
        double s1 = 0;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            s0 += x[i] * x[i];
            s1 += x[i + 1] * x[i + 1];
        }
        if (i < n) {
            s0 += x[i] * x[i];
        }
        return s0 + s1;
    }

    /** {@link #squares(double[], int)} of float32 values, each widened to float64 first. */
    static double squares(float[] x, int n) {
        double s0 = 0;
        double s1 = 0;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            double a = x[i];
            double b = x[i + 1];
            s0 += a * a;
            s1 += b * b;
        }
        if (i < n) {
            double a = x[i];
            s0 += a * a;
        }
        return s0 + s1;
    }

    /**
     * Adds a chunk of this step's values {@code x} against the same positions of the previous step (null when
     * there is none), the first and the last step, given the {@link #squares} of each of these chunks. All sums
     * come from one pass over the chunks when every value is finite, the common case; a chunk with a NaN or an
     * infinity is summed again pair by pair over the finite positions.
     *
     * @return {@link #squares} of x, to be passed back as {@code previousSquares} for the next step
     */
    double add(double[] x, double[] previous, double previousSquares, double[] first, double firstSquaresOfChunk,
            double[] last, double lastSquaresOfChunk, int n) {
        boolean hasPrevious = previous != null;
        if (Double.isFinite(firstSquaresOfChunk) && Double.isFinite(lastSquaresOfChunk)
                && (!hasPrevious || Double.isFinite(previousSquares))) {
            double own = addFinite(x, hasPrevious ? previous : x, hasPrevious, previousSquares, first,
                    firstSquaresOfChunk, last, lastSquaresOfChunk, n);
            if (Double.isFinite(own)) {
                return own;
            }
        }
        return addPairwise(x, previous, first, last, n);
    }

    /**
     * The one pass for chunks of finite values: every step's figures from a single visit of each value, with no
     * branch but the max. Returns the squares of x; when they are not finite nothing is added.
     */
    private double addFinite(double[] x, double[] p, boolean hasPrevious, double pp, double[] f, double ff,
            double[] l, double ll, int n) {
        double xx = 0;
        double sqP = 0;
        double absP = 0;
        double maxP = 0;
        double dotP = 0;
        double sqF = 0;
        double dotL = 0;
        long changed = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            double pi = p[i];
            double dp = xi - pi;
            double df = xi - f[i];
            double ap = Math.abs(dp);
            xx += xi * xi;
            sqP += dp * dp;
            absP += ap;
            maxP = ap > maxP ? ap : maxP;
            dotP += xi * pi;
            changed += dp != 0 ? 1 : 0;
            sqF += df * df;
            dotL += xi * l[i];
        }
        if (Double.isFinite(xx)) {
            addFiniteSums(n, xx, hasPrevious ? pp : Double.NaN, changed, maxP, absP, sqP, dotP, ff, sqF, ll, dotL);
        }
        return xx;
    }

    /**
     * {@link #add} for float32 chunks, widening each value to float64 as it is read (half the memory traffic of
     * widened chunks). Returns the squares of x; when they or a reference chunk's are not finite nothing is added,
     * and the caller widens the chunks for {@link #add}.
     */
    double addFloats(float[] x, float[] previous, double previousSquares, float[] first, double firstSquaresOfChunk,
            float[] last, double lastSquaresOfChunk, int n) {
        boolean hasPrevious = previous != null;
        if (!(Double.isFinite(firstSquaresOfChunk) && Double.isFinite(lastSquaresOfChunk)
                && (!hasPrevious || Double.isFinite(previousSquares)))) {
            return Double.NaN;
        }
        float[] p = hasPrevious ? previous : x;
        double xx = 0;
        double sqP = 0;
        double absP = 0;
        double maxP = 0;
        double dotP = 0;
        double sqF = 0;
        double dotL = 0;
        long changed = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            double pi = p[i];
            double dp = xi - pi;
            double df = xi - first[i];
            double ap = Math.abs(dp);
            xx += xi * xi;
            sqP += dp * dp;
            absP += ap;
            maxP = ap > maxP ? ap : maxP;
            dotP += xi * pi;
            changed += dp != 0 ? 1 : 0;
            sqF += df * df;
            dotL += xi * last[i];
        }
        if (Double.isFinite(xx)) {
            addFiniteSums(n, xx, hasPrevious ? previousSquares : Double.NaN, changed, maxP, absP, sqP, dotP,
                    firstSquaresOfChunk, sqF, lastSquaresOfChunk, dotL);
        }
        return xx;
    }

    /** The sums of one pass over finite chunks; {@code pp} is NaN when there is no previous step. */
    private void addFiniteSums(int n, double xx, double pp, long changed, double maxP, double absP, double sqP,
            double dotP, double ff, double sqF, double ll, double dotL) {
        values += n;
        squares += xx;
        if (prev != null && !Double.isNaN(pp)) {
            prev.addFinitePairs(n, changed, maxP, absP, sqP, xx, pp, dotP);
        }
        firstPairs += n;
        firstDiffSquares += sqF;
        firstSquares += ff;
        lastPairs += n;
        lastDot += dotL;
        lastOwnSquares += xx;
        lastSquares += ll;
    }

    /** The sums of a chunk that holds a NaN or an infinity somewhere, each over the positions finite in both. */
    private double addPairwise(double[] x, double[] previous, double[] first, double[] last, int n) {
        long bad = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double xi = x[i];
            if (Double.isFinite(xi)) {
                sq += xi * xi;
                double fi = first[i];
                if (Double.isFinite(fi)) {
                    double d = xi - fi;
                    firstPairs++;
                    firstDiffSquares += d * d;
                    firstSquares += fi * fi;
                }
                double li = last[i];
                if (Double.isFinite(li)) {
                    lastPairs++;
                    lastDot += xi * li;
                    lastOwnSquares += xi * xi;
                    lastSquares += li * li;
                }
            } else {
                bad++;
            }
        }
        values += n;
        nonfinite += bad;
        squares += sq;
        if (previous != null) {
            prev.addReal(x, previous, n);
        }
        return bad == 0 ? sq : Double.NaN;
    }

    /** Adds another range's (or tensor's) sums; a comparison only one side has is kept. */
    StepSums merge(StepSums o) {
        if (o == null) {
            return this;
        }
        values += o.values;
        nonfinite += o.nonfinite;
        squares += o.squares;
        if (o.prev != null) {
            if (prev == null) {
                prev = new DeltaAccumulator();
            }
            prev.merge(o.prev);
        }
        firstPairs += o.firstPairs;
        firstDiffSquares += o.firstDiffSquares;
        firstSquares += o.firstSquares;
        lastPairs += o.lastPairs;
        lastDot += o.lastDot;
        lastOwnSquares += o.lastOwnSquares;
        lastSquares += o.lastSquares;
        return this;
    }

    long nonfinite() {
        return nonfinite;
    }

    /** True when this step holds a previous step and no value differs from it. */
    boolean unchanged() {
        return prev != null && prev.changedValues() == 0;
    }

    /** The figure, with the same rules as a diff's (a zero norm or no finite pair gives null). */
    Double figure(Metric metric) {
        return switch (metric) {
            case NORM -> finite(Math.sqrt(squares));
            case REL_PREV -> prev == null ? null : prev.result("").relL2();
            case REL_FIRST -> firstPairs == 0 || !(firstSquares > 0) ? null
                    : finite(Math.sqrt(firstDiffSquares) / Math.sqrt(firstSquares));
            case COS_LAST -> lastPairs == 0 || !(lastOwnSquares > 0 && lastSquares > 0) ? null
                    : finite(lastDot / (Math.sqrt(lastOwnSquares) * Math.sqrt(lastSquares)));
            case CHANGED_FRACTION -> prev == null || values == 0 ? null : (double) prev.changedValues() / values;
            case MAX_ABS_DIFF -> prev == null ? null : prev.result("").maxAbsDiff();
        };
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
