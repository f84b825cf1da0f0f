package org.ckptinspector.stats;

/** Exact occurrence counts of each distinct value of an integer or bool tensor, values ascending. */
public record ValueCounts(double[] values, long[] counts) {
    public ValueCounts {
        if (values.length != counts.length) {
            throw new IllegalArgumentException("one count per value");
        }
        values = values.clone();
        counts = counts.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Number of distinct values. */
    public int size() {
        return values.length;
    }
}
