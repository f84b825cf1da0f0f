package org.ckptinspector.stats;

import java.io.IOException;
import java.util.Optional;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.Progress;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.CodeTable;
import org.ckptinspector.values.ValueReader;

/**
 * Computes {@link TensorStats} for one tensor, on all cores, in memory independent of the tensor's size.
 *
 * <ul>
 *   <li>Dtypes of at most 16 bits (float16, bfloat16, float8, float4, small integers, bool, per-tensor 8-bit
 *       quantized): one pass counting every stored code; all statistics are exact ({@link CodeCountPass}).</li>
 *   <li>float32, the common case: one full pass that counts values by their top 16 bits and sums them, then a
 *       light pass that only looks at the few values near a bin edge ({@link Float32Sweep}).</li>
 *   <li>Everything else: two passes over the decoded values ({@link TwoPass}).</li>
 * </ul>
 *
 * <p>Sparse tensors are described as their dense form ({@code to_dense()}, duplicates summed). Beyond the
 * size {@link ValueReader} densifies in memory, they are described as their stored values plus {@code numel −
 * nnz} zeros, which is exact when no index repeats (torch saves coalesced COO tensors; CSR/CSC indices never
 * repeat).
 */
public final class TensorStatistics {
    /** Tensors up to this many values get exact quantiles from a sorted copy. */
    private static final int SORTED_QUANTILES = 1 << 16;

    private TensorStatistics() {}

    /** Statistics of one tensor; unreadable tensors come back with {@link TensorStats#note()} set. */
    public static TensorStats compute(TensorRef t, StatsOptions options, TaskMonitor monitor) throws IOException {
        return compute(t, options, new Progress(monitor, estimatedBytes(t)));
    }

    /** Bytes the passes read, for progress over several tensors. */
    static long estimatedBytes(TensorRef t) {
        long bytes = t.nbytes();
        return bytes == Long.MAX_VALUE ? bytes : 2 * bytes;
    }

    static TensorStats compute(TensorRef t, StatsOptions options, Progress progress) throws IOException {
        progress.step(t.key());
        Optional<String> why = ValueReader.unreadableReason(t);
        if (why.isEmpty()) {
            ValueReader reader = ValueReader.of(t, options.view());
            Findings f = dispatch(reader, options, progress, 0);
            if (f.quantiles() != null && !f.quantiles().exact() && reader.size() <= SORTED_QUANTILES) {
                f = f.withQuantiles(sortedQuantiles(reader));
            }
            return f.toStats(t.key(), t.dtype(), options.view(), reader.size());
        }
        TensorRef values = t.components().get("values");
        if (t.layout() == Layout.STRIDED || t.layout() == Layout.META || values == null || !t.problems().isEmpty()
                || ValueReader.unreadableReason(values).isPresent() || values.numel() > t.numel()) {
            return TensorStats.unreadable(t.key(), t.dtype(), t.numel(), why.get());
        }
        // A sparse tensor too large to densify: its stored values plus the zeros it does not store.
        ValueReader reader = ValueReader.of(values, options.view());
        long implicitZeros = t.numel() - values.numel();
        return dispatch(reader, options, progress, implicitZeros)
                .toStats(t.key(), t.dtype(), options.view(), reader.size() + implicitZeros);
    }

    /** Exact quantiles of a small tensor: its finite values sorted, each counted once. */
    private static Quantiles sortedQuantiles(ValueReader reader) throws IOException {
        double[] v = reader.read(0, (int) reader.size());
        int k = 0;
        for (double x : v) {
            if (x - x == 0) {
                v[k++] = x;
            }
        }
        double[] finite = java.util.Arrays.copyOf(v, k);
        java.util.Arrays.sort(finite);
        long[] ones = new long[k];
        java.util.Arrays.fill(ones, 1);
        return QuantileMath.exact(finite, ones, k);
    }

    private static Findings dispatch(ValueReader reader, StatsOptions options, Progress progress,
            long implicitZeros) throws IOException {
        TensorRef source = reader.source();
        Optional<CodeTable> codes = reader.codeTable();
        if (codes.isPresent()) {
            return CodeCountPass.run(source, codes.get(), options, progress, implicitZeros);
        }
        if (implicitZeros == 0 && Float32Sweep.applies(source, options)) {
            return Float32Sweep.run(source, options, progress);
        }
        return TwoPass.run(reader, options, progress, implicitZeros);
    }
}
