package org.ckptinspector.stats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.values.CodeTable;
import org.ckptinspector.values.TensorBytes;

/**
 * Exact statistics of a tensor of one- or two-byte codes in one pass: every stored code is counted in a 256- or
 * 65 536-entry table, in parallel ranges, and everything (moments, histogram, quantiles, value counts) is then
 * computed from the table, each distinct value once.
 */
final class CodeCountPass {
    private static final int CHUNK_BYTES = 1 << 20;

    private CodeCountPass() {}

    static Findings run(TensorRef t, CodeTable table, StatsOptions options, Progress progress,
            long implicitZeros) throws IOException {
        long[] codeCounts = count(t, table, options.threads(), progress);
        int vpc = table.valuesPerCode();
        double[] values = new double[codeCounts.length * vpc];
        long[] counts = new long[values.length];
        for (int c = 0; c < codeCounts.length; c++) {
            for (int k = 0; k < vpc; k++) {
                values[c * vpc + k] = table.value(c, k);
                counts[c * vpc + k] = codeCounts[c];
            }
        }
        double tiny = FloatLimits.tiny(t.dtype());
        Extent e = new Extent();
        for (int i = 0; i < values.length; i++) {
            e.add(values[i], counts[i], tiny);
        }
        e.add(0.0, implicitZeros, tiny);
        if (e.finite == 0) {
            return Findings.countsOnly(e);
        }
        BinLayout layout = new BinLayout(e, options, t.dtype());
        Distribution d = new Distribution(layout);
        d.addCounted(values, counts);
        d.addConstant(0.0, implicitZeros);
        Findings f = TwoPass.findings(e, layout, d);
        Quantiles exact = sortedExact(values, counts, implicitZeros, d.count());
        return new Findings(f.extent(), f.n(), f.mean(), f.m2(), f.scale(), f.histogram(), exact, f.valueCounts());
    }

    private static long[] count(TensorRef t, CodeTable table, int threads, Progress progress) throws IOException {
        int width = table.codeBytes();
        List<ParallelUnits.Task<long[]>> tasks = new ArrayList<>();
        for (long[] r : Ranges.of(t.numel())) {
            tasks.add(() -> {
                long[] counts = new long[table.codes()];
                TensorBytes.stream(t, r[0], r[1], CHUNK_BYTES, chunk -> {
                    progress.checkCancelled();
                    int bytes = chunk.remaining();
                    if (width == 1) {
                        countBytes(chunk, counts);
                    } else {
                        countShorts(chunk, counts);
                    }
                    progress.add(2L * bytes);
                });
                return counts;
            });
        }
        long[] counts = new long[table.codes()];
        for (long[] part : ParallelUnits.map(tasks, threads, progress.cancelOnly())) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += part[i];
            }
        }
        return counts;
    }

    private static void countBytes(ByteBuffer chunk, long[] counts) {
        int n = chunk.remaining();
        int p = chunk.position();
        for (int i = 0; i < n; i++) {
            counts[chunk.get(p + i) & 0xFF]++;
        }
    }

    private static void countShorts(ByteBuffer chunk, long[] counts) {
        ShortBuffer s = chunk.slice().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        int n = s.remaining();
        for (int i = 0; i < n; i++) {
            counts[s.get(i) & 0xFFFF]++;
        }
    }

    /**
     * Sorts the finite counted values (plus {@code zeros} implicit zeros) and takes exact quantiles. Every value
     * of a code table is a float32 number, so (order-preserving float bits, index) pairs sort as longs.
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
