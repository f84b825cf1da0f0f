package org.ckptinspector.stats;

import java.io.IOException;
import java.util.Optional;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.TensorRef;
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
 * <p>Sparse tensors are described as their dense form: the stored values plus {@code numel − nnz} zeros,
 * assuming no index repeats (torch saves coalesced COO tensors, and CSR/CSC indices never repeat).
 */
public final class TensorStatistics {
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
        Findings f;
        if (codes.isPresent()) {
            f = CodeCountPass.run(values, codes.get(), options, progress, implicitZeros);
        } else if (implicitZeros == 0 && Float32Sweep.applies(values, options)) {
            f = Float32Sweep.run(values, options, progress);
        } else {
            f = TwoPass.run(reader, options, progress, implicitZeros);
        }
        return f.toStats(t.key(), t.dtype(), options.view(), reader.size() + implicitZeros);
    }
}
