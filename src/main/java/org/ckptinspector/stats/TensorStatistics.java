package org.ckptinspector.stats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.CodeTable;
import org.ckptinspector.values.TensorBytes;
import org.ckptinspector.values.ValueReader;
import org.ckptinspector.values.ValueView;

/**
 * Computes {@link TensorStats} for one tensor, on all cores, in memory independent of the tensor's size.
 *
 * <p>Dtypes of at most 16 bits (float16, bfloat16, float8, float4, small integers, bool, per-tensor 8-bit
 * quantized) take one pass: every stored code is counted in a 256- or 65 536-entry table and the statistics,
 * histogram, quantiles and value counts are computed exactly from the table. Wider dtypes take two passes over
 * the (memory-mapped, page-cached) data: the first finds the counts and the range of the finite values, the
 * second the moments and the histogram over that range. Each pass splits the tensor into ranges that workers
 * decode in bounded chunks; partial results are merged in order.
 *
 * <p>Sparse tensors are described as their dense form: the stored values plus {@code numel − nnz} zeros,
 * assuming no index repeats (torch saves coalesced COO tensors and CSR/CSC indices never repeat).
 */
public final class TensorStatistics {
    /** Values a worker takes at least, so the per-range overhead stays negligible. */
    private static final long MIN_RANGE_VALUES = 1 << 20;
    private static final int CODE_CHUNK_BYTES = 1 << 20;

    private TensorStatistics() {}

    /** Statistics of one tensor; unreadable tensors come back with {@link TensorStats#note()} set. */
    public static TensorStats compute(TensorRef t, StatsOptions options, TaskMonitor monitor) throws IOException {
        return compute(t, options, new Progress(monitor, estimatedBytes(t)));
    }

    /** Bytes both passes read, for progress over several tensors. */
    static long estimatedBytes(TensorRef t) {
        long bytes = t.nbytes();
        return bytes == Long.MAX_VALUE ? bytes : 2 * bytes;
    }

    static TensorStats compute(TensorRef t, StatsOptions options, Progress progress) throws IOException {
        progress.step(t.key());
        TensorRef values = t;
        long implicitZeros = 0;
        if (t.layout() != Layout.STRIDED && t.layout() != Layout.META) {
            values = t.components().get("values");
            if (values == null) {
                return TensorStats.unreadable(t.key(), t.dtype(), t.numel(), "a " + t.layout().id()
                        + " tensor without a values component");
            }
            implicitZeros = t.numel() - values.numel();
            if (implicitZeros < 0) {
                return TensorStats.unreadable(t.key(), t.dtype(), t.numel(), "a " + t.layout().id()
                        + " tensor with more stored values than elements");
            }
        }
        Optional<String> why = ValueReader.unreadableReason(values);
        if (why.isPresent()) {
            return TensorStats.unreadable(t.key(), t.dtype(), t.numel(), why.get());
        }
        ValueReader reader = ValueReader.of(values, options.view());
        Optional<CodeTable> codes = reader.codeTable();
        Summary s = codes.isPresent()
                ? countCodes(reader, codes.get(), progress)
                : twoPasses(reader, options, progress, implicitZeros);
        if (codes.isPresent()) {
            s = s.withCounted(options, values.dtype(), implicitZeros);
        }
        return s.toStats(t.key(), t.dtype(), options.view(), reader.size() + implicitZeros);
    }

    private static Summary twoPasses(ValueReader reader, StatsOptions options, Progress progress,
            long implicitZeros) throws IOException {
        DType dtype = reader.tensor().dtype();
        double tiny = FloatLimits.tiny(dtype);
        long bytesPerValue = Math.max(1, reader.tensor().nbytes() / Math.max(1, reader.size()));
        List<long[]> ranges = Workers.ranges(reader.size(), MIN_RANGE_VALUES);
        List<Callable<Extent>> first = new ArrayList<>();
        for (long[] r : ranges) {
            first.add(() -> {
                Extent e = new Extent();
                reader.forEach(r[0], r[1], progress.cancelOnly(), (v, n, at) -> {
                    e.add(v, n, tiny);
                    progress.add(n * bytesPerValue);
                });
                return e;
            });
        }
        Extent extent = new Extent();
        Workers.run(first).forEach(extent::merge);
        extent.add(0.0, implicitZeros, tiny);
        if (extent.finite == 0) {
            return new Summary(extent, null, null, null, null);
        }
        BinLayout layout = new BinLayout(extent, options, dtype);
        List<Callable<Distribution>> second = new ArrayList<>();
        for (long[] r : ranges) {
            second.add(() -> {
                Distribution d = new Distribution(layout);
                reader.forEach(r[0], r[1], progress.cancelOnly(), (v, n, at) -> {
                    d.add(v, n);
                    progress.add(n * bytesPerValue);
                });
                return d;
            });
        }
        Distribution dist = new Distribution(layout);
        Workers.run(second).forEach(dist::merge);
        dist.addConstant(0.0, implicitZeros);
        return new Summary(extent, layout, dist, null, null);
    }

    /** One pass: the occurrences of each stored code, in parallel ranges. */
    private static Summary countCodes(ValueReader reader, CodeTable table, Progress progress) throws IOException {
        TensorRef t = reader.tensor();
        int width = table.codeBytes();
        List<Callable<long[]>> tasks = new ArrayList<>();
        for (long[] r : Workers.ranges(t.numel(), MIN_RANGE_VALUES)) {
            tasks.add(() -> {
                long[] counts = new long[table.codes()];
                TensorBytes.stream(t, r[0], r[1], CODE_CHUNK_BYTES, chunk -> {
                    progress.checkCancelled();
                    if (width == 1) {
                        countBytes(chunk, counts);
                    } else {
                        countShorts(chunk, counts);
                    }
                    progress.add(2L * chunk.remaining());
                });
                return counts;
            });
        }
        long[] counts = new long[table.codes()];
        for (long[] part : Workers.run(tasks)) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += part[i];
            }
        }
        return Summary.ofCodes(table, counts);
    }

    private static void countBytes(ByteBuffer chunk, long[] counts) {
        int n = chunk.remaining();
        int p = chunk.position();
        for (int i = 0; i < n; i++) {
            counts[chunk.get(p + i) & 0xFF]++;
        }
    }

    private static void countShorts(ByteBuffer chunk, long[] counts) {
        ShortBuffer s = chunk.slice().order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        int n = s.remaining();
        for (int i = 0; i < n; i++) {
            counts[s.get(i) & 0xFFFF]++;
        }
    }

    /** What the passes found, before it becomes a {@link TensorStats}. */
    private record Summary(Extent extent, BinLayout layout, Distribution dist, double[] distinct, long[] counts) {

        /** Occurrences of every value of a code table, folded into distinct values. */
        static Summary ofCodes(CodeTable table, long[] codeCounts) {
            int vpc = table.valuesPerCode();
            double[] values = new double[codeCounts.length * vpc];
            long[] counts = new long[values.length];
            for (int c = 0; c < codeCounts.length; c++) {
                for (int k = 0; k < vpc; k++) {
                    values[c * vpc + k] = table.value(c, k);
                    counts[c * vpc + k] = codeCounts[c];
                }
            }
            return new Summary(null, null, null, values, counts);
        }

        /** Computes extent, layout and distribution from the counted values. */
        Summary withCounted(StatsOptions options, DType dtype, long implicitZeros) {
            double tiny = FloatLimits.tiny(dtype);
            Extent e = new Extent();
            for (int i = 0; i < distinct.length; i++) {
                if (counts[i] > 0) {
                    e.add(distinct[i], counts[i], tiny);
                }
            }
            e.add(0.0, implicitZeros, tiny);
            if (e.finite == 0) {
                return new Summary(e, null, null, distinct, counts);
            }
            BinLayout l = new BinLayout(e, options, dtype);
            Distribution d = new Distribution(l);
            d.addCounted(distinct, counts);
            d.addConstant(0.0, implicitZeros);
            return new Summary(e, l, d, distinct, counts);
        }

        TensorStats toStats(String key, DType dtype, ValueView view, long count) {
            Extent e = extent;
            double nan = Double.NaN;
            if (dist == null || dist.n == 0) {
                return new TensorStats(key, dtype, view, count, e.finite, e.nan, e.posInf, e.negInf, e.zeros,
                        e.negativeZeros, e.subnormals, nan, nan, nan, nan, nan, nan, null, null, null, null);
            }
            double s = layout.scale;
            long n = dist.n;
            double mean = dist.mean / s;
            double std = n > 1 ? Math.sqrt(dist.m2 / (n - 1)) / s : nan;
            double popStd = Math.sqrt(dist.m2 / n) / s;
            double l2 = Math.sqrt(dist.m2 + n * dist.mean * dist.mean) / s;
            ValueCounts valueCounts = valueCounts();
            Quantiles q = exactQuantiles(n);
            if (q == null) {
                q = QuantileMath.fromBins(dist.fine, layout, n, e.min, e.max);
            }
            return new TensorStats(key, dtype, view, count, e.finite, e.nan, e.posInf, e.negInf, e.zeros,
                    e.negativeZeros, e.subnormals, e.min, e.max, mean, std, popStd, l2, histogram(), q,
                    valueCounts, null);
        }

        private Histogram histogram() {
            int bins = layout.bins;
            double[] edges = new double[bins + 1];
            long[] out = new long[bins];
            if (layout.logScale) {
                for (int i = 0; i <= bins; i++) {
                    edges[i] = layout.logEdge(i, extent.minAbs, Math.max(Math.abs(extent.min), Math.abs(extent.max)));
                }
                System.arraycopy(dist.log, 0, out, 0, bins);
                return new Histogram(HistogramScale.LOG_ABS, edges, out);
            }
            for (int i = 0; i <= bins; i++) {
                edges[i] = layout.linearEdge(i);
            }
            for (int b = 0; b < dist.fine.length; b++) {
                out[b / layout.perBin] += dist.fine[b];
            }
            return new Histogram(HistogramScale.LINEAR, edges, out);
        }

        private ValueCounts valueCounts() {
            if (dist.exact == null) {
                return null;
            }
            int k = 0;
            for (long c : dist.exact) {
                k += c > 0 ? 1 : 0;
            }
            double[] v = new double[k];
            long[] c = new long[k];
            int j = 0;
            for (int i = 0; i < dist.exact.length; i++) {
                if (dist.exact[i] > 0) {
                    v[j] = layout.exactMin + i;
                    c[j++] = dist.exact[i];
                }
            }
            return new ValueCounts(v, c);
        }

        /** Exact quantiles when every value was counted: code tables and small integer ranges. */
        private Quantiles exactQuantiles(long n) {
            if (distinct != null) {
                long counted = 0;
                for (int i = 0; i < distinct.length; i++) {
                    counted += counts[i] > 0 && distinct[i] - distinct[i] == 0 ? counts[i] : 0;
                }
                return sortedExact(distinct, counts, n - counted, n);
            }
            ValueCounts vc = valueCounts();
            return vc == null ? null : QuantileMath.exact(vc.values(), vc.counts(), n);
        }

        /**
         * Sorts the finite counted values (plus {@code zeros} implicit zeros) and takes exact quantiles. Every
         * value of a code table is a float32 number, so (order-preserving float bits, index) pairs sort as longs.
         */
        private static Quantiles sortedExact(double[] values, long[] counts, long zeros, long n) {
            long[] keys = new long[values.length + 1];
            int k = 0;
            for (int i = 0; i < values.length; i++) {
                if (counts[i] > 0 && values[i] - values[i] == 0) {
                    keys[k++] = sortKey(values[i], i);
                }
            }
            if (zeros > 0) {
                keys[k++] = sortKey(0.0, values.length);
            }
            Arrays.sort(keys, 0, k);
            double[] v = new double[k];
            long[] c = new long[k];
            for (int j = 0; j < k; j++) {
                int i = (int) keys[j];
                v[j] = i == values.length ? 0.0 : values[i];
                c[j] = i == values.length ? zeros : counts[i];
            }
            return QuantileMath.exact(v, c, n);
        }

        private static long sortKey(double value, int index) {
            int bits = Float.floatToRawIntBits((float) value);
            int ordered = bits ^ ((bits >> 31) & 0x7FFF_FFFF);
            return ((long) ordered << 32) | index;
        }
    }
}
