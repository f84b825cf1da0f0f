package org.ckptinspector.stats;

import java.util.List;

/** Statistics of a checkpoint's tensors, in file order, with the health sweep over them. */
public record StatsReport(List<TensorStats> tensors, List<HealthProblem> health) {
    public StatsReport {
        tensors = List.copyOf(tensors);
        health = List.copyOf(health);
    }
}
