package org.ckptinspector.adapter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;

/**
 * What an adapter does to its base: for every base tensor it touches, ‖ΔW‖_F against ‖W‖_F and whether the
 * merged tensor really differs from the base (a ΔW too small for the base's dtype, or a zero {@code lora_B},
 * changes nothing).
 *
 * @param merge the adapter matched to its base
 * @param tensors one per touched base tensor, in base order
 */
public record AdapterDiff(AdapterMerge merge, List<TensorChange> tensors) {

    /**
     * How one base tensor changes.
     *
     * @param change which tensor and what changes it
     * @param deltaNorm ‖ΔW‖_F in float64: ‖scale·B·A‖_F from the Gram matrices for a LoRA weight,
     *     |scale|·‖lora_B.bias‖ for a bias, ‖W' − W‖_F of the merged values where the adapter replaces the tensor
     * @param baseNorm ‖W‖_F
     * @param maxAbsDiff max |W' − W| over the merged tensor as written (in the base's dtype)
     * @param changed true when some merged value differs from the base's
     */
    public record TensorChange(AdapterMerge.Change change, double deltaNorm, double baseNorm, double maxAbsDiff,
            boolean changed) {
        /** ‖ΔW‖_F / ‖W‖_F, or null when W is zero. */
        public Double relative() {
            return baseNorm == 0 ? null : deltaNorm / baseNorm;
        }
    }

    public AdapterDiff {
        tensors = List.copyOf(tensors);
    }

    /**
     * Compares every touched base tensor whose merge can be computed with its merged value; the others are named
     * in {@link AdapterMerge#problems()}.
     */
    public static AdapterDiff of(AdapterMerge merge, TaskMonitor monitor) throws IOException {
        List<TensorChange> out = new ArrayList<>();
        for (AdapterMerge.Change c : merge.changes()) {
            monitor.checkCancelled();
            if (!merge.computable(c)) {
                continue;
            }
            Sums s = compare(ValueReader.of(c.base()), ValueReader.of(merge.merged(c)), monitor);
            double delta;
            if (c.bias()) {
                delta = Math.abs(c.lora().scale()) * norm(c.lora().bias(), monitor);
            } else if (c.replacement() == null) {
                delta = LowRankDelta.of(c.lora()).frobeniusNorm();
            } else {
                delta = Math.sqrt(s.diffSquares);
            }
            out.add(new TensorChange(c, delta, Math.sqrt(s.baseSquares), s.maxAbs, s.changed));
        }
        return new AdapterDiff(merge, out);
    }

    /** The base tensors whose values the adapter really changes. */
    public List<TensorChange> changed() {
        return tensors.stream().filter(TensorChange::changed).toList();
    }

    private static final class Sums {
        double baseSquares;
        double diffSquares;
        double maxAbs;
        boolean changed;
    }

    private static Sums compare(ValueReader base, ValueReader merged, TaskMonitor monitor) throws IOException {
        Sums s = new Sums();
        merged.forEach(monitor, (values, count, first) -> {
            double[] w = base.read(first, count);
            for (int i = 0; i < count; i++) {
                double d = values[i] - w[i];
                boolean same = values[i] == w[i] || Double.isNaN(values[i]) && Double.isNaN(w[i]);
                if (!same) {
                    s.changed = true;
                }
                if (Double.isFinite(w[i])) {
                    s.baseSquares += w[i] * w[i];
                }
                if (Double.isFinite(d)) {
                    s.diffSquares += d * d;
                    s.maxAbs = Math.max(s.maxAbs, Math.abs(d));
                }
            }
        });
        return s;
    }

    private static double norm(org.ckptinspector.model.TensorRef t, TaskMonitor monitor) throws IOException {
        double[] sum = new double[1];
        ValueReader.forEach(t, monitor, (values, count, first) -> {
            for (int i = 0; i < count; i++) {
                sum[0] += values[i] * values[i];
            }
        });
        return Math.sqrt(sum[0]);
    }
}
