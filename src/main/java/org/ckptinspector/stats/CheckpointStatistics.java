package org.ckptinspector.stats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.task.TaskMonitor;

/**
 * Statistics of many tensors at once: the whole-checkpoint health sweep. Large tensors are split over all cores
 * one after the other; small ones are computed side by side, one per core, so a checkpoint of many small tensors
 * keeps every core busy too. Progress is reported in bytes read over the whole checkpoint.
 */
public final class CheckpointStatistics {
    /** Tensors below this many bytes are computed whole by one worker. */
    private static final long SMALL_BYTES = 4L << 20;

    private CheckpointStatistics() {}

    /** Statistics of {@code tensors}, in their order, and the ranked health problems among them. */
    public static StatsReport compute(List<TensorRef> tensors, StatsOptions options, TaskMonitor monitor)
            throws IOException {
        long total = 0;
        for (TensorRef t : tensors) {
            total = saturatedAdd(total, TensorStatistics.estimatedBytes(t));
        }
        Progress progress = new Progress(monitor, total);
        TensorStats[] out = new TensorStats[tensors.size()];
        List<ParallelUnits.Unit<Void>> small = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            TensorRef t = tensors.get(i);
            int at = i;
            if (t.nbytes() < SMALL_BYTES) {
                small.add(none -> out[at] = TensorStatistics.compute(t, options, progress));
            }
        }
        for (int from = 0; from < small.size(); from += 256) {
            ParallelUnits.run(small.subList(from, Math.min(small.size(), from + 256)), options.threads(), () -> null,
                    monitor);
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == null) {
                out[i] = TensorStatistics.compute(tensors.get(i), options, progress);
            }
        }
        List<TensorStats> stats = List.of(out);
        return new StatsReport(stats, HealthCheck.sweep(stats));
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
