package org.ckptinspector.trajectory;

import org.ckptinspector.diff.DeltaAccumulator;

/**
 * The float64 sums behind one step's figures for a range of one tensor, a whole tensor or a whole module: the
 * squares of its finite values, its non-finite values, and its differences to the previous step (null when that
 * step lacks the tensor), to the first and to the last step that hold it.
 */
final class StepSums {
    private long values;
    private long nonfinite;
    private double squares;
    private DeltaAccumulator prev;
    private DeltaAccumulator first;
    private DeltaAccumulator last;

    static StepSums open(boolean hasPrev) {
        StepSums s = new StepSums();
        s.prev = hasPrev ? new DeltaAccumulator() : null;
        s.first = new DeltaAccumulator();
        s.last = new DeltaAccumulator();
        return s;
    }

    /** Adds a chunk of this step's values and, where known, the same positions at the other steps. */
    void add(double[] x, double[] previous, double[] firstStep, double[] lastStep, int n) {
        long bad = 0;
        double sq0 = 0;
        double sq1 = 0;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            double v0 = x[i];
            double v1 = x[i + 1];
            boolean f0 = Double.isFinite(v0);
            boolean f1 = Double.isFinite(v1);
            sq0 += f0 ? v0 * v0 : 0;
            sq1 += f1 ? v1 * v1 : 0;
            bad += (f0 ? 0 : 1) + (f1 ? 0 : 1);
        }
        if (i < n) {
            boolean f = Double.isFinite(x[i]);
            sq0 += f ? x[i] * x[i] : 0;
            bad += f ? 0 : 1;
        }
        values += n;
        nonfinite += bad;
        squares += sq0 + sq1;
        DeltaAccumulator.addAgainst(x, n, prev, prev == null ? null : previous, first, firstStep, last, lastStep);
    }

    /** Adds another range's (or tensor's) sums; a comparison only one side has is kept. */
    StepSums merge(StepSums o) {
        if (o == null) {
            return this;
        }
        values += o.values;
        nonfinite += o.nonfinite;
        squares += o.squares;
        prev = merge(prev, o.prev);
        first = merge(first, o.first);
        last = merge(last, o.last);
        return this;
    }

    private static DeltaAccumulator merge(DeltaAccumulator mine, DeltaAccumulator theirs) {
        if (mine == null) {
            if (theirs == null) {
                return null;
            }
            mine = new DeltaAccumulator();
        }
        if (theirs != null) {
            mine.merge(theirs);
        }
        return mine;
    }

    long nonfinite() {
        return nonfinite;
    }

    /** True when this step holds a previous step and no value differs from it. */
    boolean unchanged() {
        return prev != null && prev.changedValues() == 0;
    }

    Double figure(Metric metric) {
        return switch (metric) {
            case NORM -> finite(Math.sqrt(squares));
            case REL_PREV -> prev == null ? null : prev.result("").relL2();
            case REL_FIRST -> first.result("").relL2();
            case COS_LAST -> last.result("").cosine();
            case CHANGED_FRACTION -> prev == null || values == 0 ? null : (double) prev.changedValues() / values;
            case MAX_ABS_DIFF -> prev == null ? null : prev.result("").maxAbsDiff();
        };
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
