package org.ckptinspector.stats;

import java.util.ArrayList;
import java.util.List;

/** How a tensor's values are split into ranges, the units of parallel statistics work. */
final class Ranges {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private static final long MIN_RANGE = 1 << 20;
    private static final long MAX_RANGE = 1 << 28;

    private Ranges() {}

    /**
     * Splits {@code total} values into (first, count) ranges: about four per core so that uneven ranges even out,
     * at least {@value #MIN_RANGE} values each so that the per-range overhead stays negligible, at most
     * {@value #MAX_RANGE} so that int counters per range cannot overflow. By cores, not threads, so that partial
     * sums merge in the same order whatever the thread count.
     */
    static List<long[]> of(long total) {
        long length = Math.max(MIN_RANGE, (total + 4L * CORES - 1) / (4L * CORES));
        length = Math.min(length, MAX_RANGE);
        List<long[]> out = new ArrayList<>();
        for (long first = 0; first < total; first += length) {
            out.add(new long[] {first, Math.min(length, total - first)});
        }
        return out;
    }
}
