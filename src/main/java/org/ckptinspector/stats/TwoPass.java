package org.ckptinspector.stats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.model.DType;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.values.ValueReader;

/**
 * Statistics of any dtype from its decoded values in two parallel passes: the first finds the counts, the range
 * and the sum of the finite values, the second the spread around the mean and the histogram over the range.
 */
final class TwoPass {
    /** Values decoded at a time: 128 KiB of doubles, well inside the L2 cache. */
    private static final int SCAN_CHUNK = 1 << 14;

    private TwoPass() {}

    /** What a pass does with each decoded chunk. */
    @FunctionalInterface
    private interface ChunkWork {
        void accept(double[] values, int count);
    }

    static Findings run(ValueReader reader, StatsOptions options, Progress progress, long implicitZeros)
            throws IOException {
        DType dtype = reader.tensor().dtype();
        double tiny = FloatLimits.tiny(dtype);
        long bytesPerValue = Math.max(1, reader.tensor().nbytes() / Math.max(1, reader.size()));
        List<long[]> ranges = Ranges.of(reader.size());
        List<ParallelUnits.Task<Extent>> first = new ArrayList<>();
        for (long[] r : ranges) {
            first.add(() -> {
                Extent e = new Extent();
                scan(reader, r, progress, bytesPerValue, (v, n) -> e.add(v, n, tiny));
                return e;
            });
        }
        Extent extent = new Extent();
        ParallelUnits.map(first, options.threads(), progress.cancelOnly()).forEach(extent::merge);
        extent.add(0.0, implicitZeros, tiny);
        if (extent.finite == 0) {
            return Findings.countsOnly(extent);
        }
        BinLayout layout = new BinLayout(extent, options, dtype);
        boolean allFinite = extent.nonFinite() == 0;
        List<ParallelUnits.Task<Distribution>> second = new ArrayList<>();
        for (long[] r : ranges) {
            second.add(() -> {
                Distribution d = new Distribution(layout);
                scan(reader, r, progress, bytesPerValue, (v, n) -> d.add(v, n, allFinite));
                return d;
            });
        }
        Distribution dist = new Distribution(layout);
        ParallelUnits.map(second, options.threads(), progress.cancelOnly()).forEach(dist::merge);
        dist.addConstant(0.0, implicitZeros);
        return findings(extent, layout, dist);
    }

    /** Findings from a finished distribution: exact quantiles where integers were counted, else from bins. */
    static Findings findings(Extent extent, BinLayout layout, Distribution dist) {
        long n = dist.count();
        ValueCounts counts = dist.valueCounts();
        Quantiles q = counts != null
                ? QuantileMath.exact(counts.values(), counts.counts(), n)
                : QuantileMath.fromBins(dist.fineCounts(), layout, n, extent.min, extent.max);
        return new Findings(extent, n, dist.meanScaled() / layout.scale, dist.m2Scaled(), layout.scale,
                Findings.histogram(layout, dist, extent), q, counts);
    }

    /** Decodes range {@code r} = (first, count) chunk by chunk into a buffer that stays in the L2 cache. */
    private static void scan(ValueReader reader, long[] r, Progress progress, long bytesPerValue, ChunkWork work)
            throws IOException {
        double[] buffer = new double[SCAN_CHUNK];
        for (long done = 0; done < r[1];) {
            progress.checkCancelled();
            int n = (int) Math.min(buffer.length, r[1] - done);
            reader.read(r[0] + done, buffer, 0, n);
            work.accept(buffer, n);
            done += n;
            progress.add(n * bytesPerValue);
        }
    }
}
