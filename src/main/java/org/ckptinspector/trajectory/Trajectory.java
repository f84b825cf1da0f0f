package org.ckptinspector.trajectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.diff.ModuleUpdate;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.task.TaskMonitor;

/**
 * The trajectory of a training run: N checkpoints of one model, put in step order, and per tensor and module the
 * figures of {@link Metric} at every step. One pass reads every file once, tensor by tensor and range by range on
 * several threads, so memory does not grow with the number or size of the files; only the figures are kept.
 */
public final class Trajectory {
    private Trajectory() {}

    /**
     * @param threads worker threads
     * @throws org.ckptinspector.model.CheckpointException when a file cannot be opened or read (names the file)
     * @throws org.ckptinspector.task.CancelledException when the monitor asks to stop
     */
    public static TrajectoryResult compute(List<Path> files, int threads, TaskMonitor monitor) throws IOException {
        if (files.size() < 2) {
            throw new IllegalArgumentException("a trajectory needs at least two checkpoints, not " + files.size());
        }
        List<Checkpoint> opened = new ArrayList<>();
        try {
            for (Path f : files) {
                monitor.checkCancelled();
                monitor.progress(opened.size(), files.size(), "opening " + f.getFileName());
                opened.add(CheckpointOpener.open(f));
            }
            return of(opened, threads, monitor);
        } finally {
            for (Checkpoint c : opened) {
                c.close();
            }
        }
    }

    /** The trajectory of checkpoints already open (in any order); they stay open. */
    public static TrajectoryResult of(List<Checkpoint> opened, int threads, TaskMonitor monitor)
            throws IOException {
        if (opened.size() < 2) {
            throw new IllegalArgumentException("a trajectory needs at least two checkpoints, not " + opened.size());
        }
        RunOrder.Ordered order = RunOrder.of(opened);
        int n = opened.size();
        Path[] files = new Path[n];
        Map<String, TensorRef[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Checkpoint c = opened.get(order.order().get(i));
            files[i] = c.file();
            for (Map.Entry<String, TensorRef> e : c.tensorsByKey().entrySet()) {
                keys.computeIfAbsent(e.getKey(), k -> new TensorRef[n])[i] = e.getValue();
            }
        }
        List<KeyTrack> tracks = new ArrayList<>();
        for (Map.Entry<String, TensorRef[]> e : keys.entrySet()) {
            tracks.add(new KeyTrack(e.getKey(), e.getValue(), files));
        }
        long total = tracks.stream().mapToLong(KeyTrack::byteWork).sum();
        Progress progress = new Progress(monitor, total, "reading " + n + " checkpoints");
        List<ParallelUnits.Unit<KeyTrack.Scratch>> units = new ArrayList<>();
        tracks.forEach(t -> units.addAll(t.units(progress)));
        ParallelUnits.run(units, threads, KeyTrack.Scratch::new, monitor);

        List<TensorTrajectory> tensors = new ArrayList<>();
        Map<String, ModuleSums> modules = new LinkedHashMap<>();
        for (KeyTrack t : tracks) {
            StepSums[] sums = t.totals();
            TensorTrajectory result = t.result(sums);
            tensors.add(result);
            modules.computeIfAbsent(ModuleUpdate.moduleOf(t.key), m -> new ModuleSums(n)).add(result, sums);
        }
        List<ModuleTrajectory> moduleResults = new ArrayList<>();
        modules.forEach((name, m) -> moduleResults.add(m.result(name)));
        return new TrajectoryResult(order.steps(), order.orderedBy(), tensors, moduleResults);
    }

    /** The summed sums of a module's tensors. */
    private static final class ModuleSums {
        private final StepSums[] sums;
        private int tensors;
        private boolean frozen = true;
        private Integer firstNonfinite;

        ModuleSums(int steps) {
            sums = new StepSums[steps];
        }

        void add(TensorTrajectory t, StepSums[] tensorSums) {
            tensors++;
            frozen &= t.frozen();
            if (t.firstNonfinite() != null && (firstNonfinite == null || t.firstNonfinite() < firstNonfinite)) {
                firstNonfinite = t.firstNonfinite();
            }
            for (int i = 0; i < sums.length; i++) {
                if (tensorSums[i] != null) {
                    sums[i] = (sums[i] == null ? StepSums.open(false) : sums[i]).merge(tensorSums[i]);
                }
            }
        }

        ModuleTrajectory result(String name) {
            return new ModuleTrajectory(name, tensors, frozen, firstNonfinite, Series.of(sums));
        }
    }
}
