package org.ckptinspector.app;

import org.ckptinspector.diff.CheckpointDiff;
import org.ckptinspector.diff.DiffOptions;
import org.ckptinspector.task.TaskMonitor;

/** Compares the open document (A) with another (B): the diff, the merged tree and its per-row marks. */
public final class ComparisonModel {
    private ComparisonModel() {}

    /** A finished comparison: the merged tree with the diff, and the marks of its rows. */
    public record Compared(OpenedCheckpoint a, OpenedCheckpoint b, DiffMerge merged, ComparisonState.Marks marks) {}

    /**
     * Compares {@code a} with {@code b} on up to {@code threads} threads; any thread.
     *
     * @param alignPrefixes whether to align key prefixes ({@code module.}, {@code model.}) between the two
     */
    public static Compared compare(OpenedCheckpoint a, OpenedCheckpoint b, boolean alignPrefixes, int threads,
            TaskMonitor monitor) throws java.io.IOException {
        DiffOptions options = DiffOptions.defaults().withAlignPrefixes(alignPrefixes).withThreads(threads);
        var result = CheckpointDiff.compare(a.checkpoint(), b.checkpoint(), options, monitor);
        DiffMerge merged = DiffMerge.of(a.checkpoint(), b.checkpoint(), result, options);
        return new Compared(a, b, merged, ComparisonState.Marks.of(merged));
    }
}
