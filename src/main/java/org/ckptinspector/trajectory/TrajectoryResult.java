package org.ckptinspector.trajectory;

import java.util.List;

/**
 * The figures of a run of checkpoints, step by step.
 *
 * @param orderedBy {@code global_step}, {@code step} or {@code epoch} when every file names one, else
 *     {@code file name}
 * @param tensors every key any file holds, in order of first appearance
 */
public record TrajectoryResult(List<RunStep> steps, String orderedBy, List<TensorTrajectory> tensors,
        List<ModuleTrajectory> modules) {

    public TrajectoryResult {
        steps = List.copyOf(steps);
        tensors = List.copyOf(tensors);
        modules = List.copyOf(modules);
    }

    /** True when some tensor holds a NaN or infinity at some step. */
    public boolean hasNonfinite() {
        return tensors.stream().anyMatch(t -> t.firstNonfinite() != null);
    }
}
