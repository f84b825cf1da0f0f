package org.ckptinspector.stats;

import java.util.Arrays;

/**
 * Bin counts with their edges: bin {@code i} holds the values in {@code [edges[i], edges[i+1])}, the last bin
 * also its upper edge. For {@link HistogramScale#LOG_ABS} the edges are magnitudes.
 */
public record Histogram(HistogramScale scale, double[] edges, long[] counts) {
    public Histogram {
        if (edges.length != counts.length + 1) {
            throw new IllegalArgumentException("a histogram needs one edge more than it has bins");
        }
        edges = edges.clone();
        counts = counts.clone();
    }

    @Override
    public double[] edges() {
        return edges.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    public int bins() {
        return counts.length;
    }

    /** Sum of all counts. */
    public long total() {
        return Arrays.stream(counts).sum();
    }
}
