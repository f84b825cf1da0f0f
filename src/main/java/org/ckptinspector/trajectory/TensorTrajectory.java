package org.ckptinspector.trajectory;

import java.util.List;

/**
 * One key over the run.
 *
 * @param shape its shape at the first step that holds it
 * @param frozen every step holds it and no value ever changes
 * @param firstNonfinite the first step with a NaN or infinity, or null
 * @param absent steps whose file lacks the key
 * @param excluded steps whose file holds the key but whose values cannot be set against the others
 * @param nonfinite NaN and infinite values per step (0 where absent)
 */
public record TensorTrajectory(String key, String dtype, List<Long> shape, boolean frozen, Integer firstNonfinite,
        List<Integer> absent, List<Excluded> excluded, List<Long> nonfinite, Series series) {

    /** A step left out, and why. */
    public record Excluded(int step, String reason) {}

    public TensorTrajectory {
        shape = List.copyOf(shape);
        absent = List.copyOf(absent);
        excluded = List.copyOf(excluded);
        nonfinite = List.copyOf(nonfinite);
    }
}
