package org.ckptinspector.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.trajectory.Metric;
import org.ckptinspector.trajectory.ModuleTrajectory;
import org.ckptinspector.trajectory.Timeline;
import org.ckptinspector.trajectory.Trajectory;
import org.ckptinspector.trajectory.TrajectoryResult;

/**
 * The Timeline view's state without a window: the run, the tensor or module whose metric the chart shows, the
 * metric, and the module × step heat map of relative change to the previous step with what each cell shows and
 * which comparison a click on it opens.
 */
public final class RunTimeline {
    /** The heat map's metric: how much a module moved since the step before. */
    public static final Metric HEAT_METRIC = Metric.REL_PREV;

    /** A row of the chooser: a module (its tensors' figures summed) or one tensor. */
    public record Entry(String name, boolean module, boolean frozen, Integer firstNonfinite) {}

    /** A tensor holding NaN or Inf, and the first step where it does. */
    public record Nonfinite(String key, int step) {}

    private final TrajectoryResult run;
    private final Timeline timeline;
    private final Timeline.HeatMap heat;
    private final List<Entry> entries = new ArrayList<>();
    private String selected;
    private Metric metric = Metric.NORM;

    public RunTimeline(TrajectoryResult run) {
        this.run = run;
        this.timeline = new Timeline(run);
        this.heat = timeline.heatMap(HEAT_METRIC);
        run.modules().forEach(m -> entries.add(new Entry(m.module(), true, m.frozen(), m.firstNonfinite())));
        run.tensors().forEach(t -> entries.add(new Entry(t.key(), false, t.frozen(), t.firstNonfinite())));
        selected = entries.isEmpty() ? null : entries.get(0).name();
    }

    /** Reads the run in the background task's thread; see {@link Trajectory#compute}. */
    public static RunTimeline compute(List<Path> files, int threads, TaskMonitor monitor) throws IOException {
        return new RunTimeline(Trajectory.compute(files, threads, monitor));
    }

    public TrajectoryResult run() {
        return run;
    }

    /** "7 checkpoints, ordered by global_step". */
    public String summary() {
        return run.steps().size() + " checkpoints, ordered by " + run.orderedBy();
    }

    /** Modules first, then tensors, each in order of first appearance. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public String selected() {
        return selected;
    }

    /** Shows another tensor or module; unknown names are ignored. */
    public void select(String name) {
        if (entries.stream().anyMatch(e -> e.name().equals(name))) {
            selected = name;
        }
    }

    public Metric metric() {
        return metric;
    }

    public void setMetric(Metric metric) {
        this.metric = metric;
    }

    /** The steps' labels: step numbers, or file names when the run has none. */
    public List<String> stepLabels() {
        return timeline.stepLabels();
    }

    /** The chart's figures: the metric of the selection at every step, NaN where there is none. */
    public double[] series() {
        return selected == null ? new double[0] : timeline.series(selected, metric).orElse(new double[0]);
    }

    /** The selection's entry. */
    public Optional<Entry> selectedEntry() {
        return entries.stream().filter(e -> e.name().equals(selected)).findFirst();
    }

    /** Tensors identical in every file. */
    public List<String> frozenTensors() {
        return entries.stream().filter(e -> !e.module() && e.frozen()).map(Entry::name).toList();
    }

    /** Tensors holding NaN or Inf, each with the first step. */
    public List<Nonfinite> nonfiniteTensors() {
        return entries.stream().filter(e -> !e.module() && e.firstNonfinite() != null)
                .map(e -> new Nonfinite(e.name(), e.firstNonfinite())).toList();
    }

    /** The heat map: a row per module, a column per step. */
    public Timeline.HeatMap heatMap() {
        return heat;
    }

    /** The module of a heat-map row. */
    public ModuleTrajectory module(int row) {
        return run.modules().get(row);
    }

    /**
     * Where a cell's figure lies on the colour scale, 0 to 1, on a log scale (relative changes span decades);
     * 0 for no change, NaN where there is no figure.
     */
    public double shade(int row, int step) {
        double v = heat.at(row, step);
        if (Double.isNaN(v) || v <= 0) {
            return Double.isNaN(v) ? Double.NaN : 0;
        }
        double lo = smallestChange();
        double hi = heat.max();
        if (!(hi > lo)) {
            return 1;
        }
        return Math.max(0, Math.min(1, (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))));
    }

    /** The smallest change above zero in the heat map (the low end of its scale), NaN if none. */
    public double smallestChange() {
        double lo = Double.POSITIVE_INFINITY;
        for (double[] row : heat.values()) {
            for (double v : row) {
                if (v > 0 && v < lo) {
                    lo = v;
                }
            }
        }
        return lo == Double.POSITIVE_INFINITY ? Double.NaN : lo;
    }

    /** What a cell says under the pointer. */
    public String describe(int row, int step) {
        String module = heat.rows().get(row);
        String at = "step " + heat.columns().get(step);
        double v = heat.at(row, step);
        String figure = step == 0 ? "first step" : Double.isNaN(v) ? "no figure"
                : HEAT_METRIC.id() + " " + Formats.number(v);
        ModuleTrajectory m = module(row);
        String flags = (m.frozen() ? "  ·  frozen" : "")
                + (m.firstNonfinite() != null && m.firstNonfinite() == step ? "  ·  first NaN/Inf" : "");
        String click = comparison(step).isPresent() ? "  ·  click to compare with the step before" : "";
        return module + "  ·  " + at + "  ·  " + figure + flags + click;
    }

    /** The two files a click on a cell of {@code step} compares: the step before (A) and this one (B). */
    public Optional<List<Path>> comparison(int step) {
        return timeline.comparedFiles(step);
    }
}
