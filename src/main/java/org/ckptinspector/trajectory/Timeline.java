package org.ckptinspector.trajectory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a Timeline view shows of a run, without any toolkit: the series of one tensor or module for a line chart,
 * a module × step matrix of one metric for a heat map, and the two files behind a heat-map cell for the
 * two-file comparison. Figures that do not exist are NaN, which charts leave as gaps.
 */
public final class Timeline {
    private final TrajectoryResult run;
    private final Map<String, Series> tensors = new LinkedHashMap<>();
    private final Map<String, Series> modules = new LinkedHashMap<>();

    public Timeline(TrajectoryResult run) {
        this.run = run;
        run.tensors().forEach(t -> tensors.put(t.key(), t.series()));
        run.modules().forEach(m -> modules.put(m.module(), m.series()));
    }

    /** A module × step matrix of one metric; {@code values[row][step]}, NaN where there is no figure. */
    public record HeatMap(Metric metric, List<String> rows, List<String> columns, double[][] values, double min,
            double max) {
        /** The figure of a cell, or NaN. */
        public double at(int row, int step) {
            return values[row][step];
        }
    }

    /** The steps' labels: the step number where the run is ordered by one, else the file name. */
    public List<String> stepLabels() {
        List<String> labels = new ArrayList<>();
        for (RunStep s : run.steps()) {
            labels.add(s.step() != null ? s.step().toString() : String.valueOf(s.file().getFileName()));
        }
        return labels;
    }

    /** Every tensor key, in order of first appearance. */
    public List<String> tensorKeys() {
        return List.copyOf(tensors.keySet());
    }

    /** Every module, in order of first appearance. */
    public List<String> moduleNames() {
        return List.copyOf(modules.keySet());
    }

    /** The metric of a tensor key or, if no tensor has that name, of a module, per step; empty if neither. */
    public Optional<double[]> series(String name, Metric metric) {
        Series s = tensors.containsKey(name) ? tensors.get(name) : modules.get(name);
        return Optional.ofNullable(s).map(x -> values(x, metric));
    }

    /** The heat map of one metric over all modules, with the range of its finite figures for a colour scale. */
    public HeatMap heatMap(Metric metric) {
        List<String> rows = moduleNames();
        double[][] values = new double[rows.size()][];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < rows.size(); r++) {
            values[r] = values(modules.get(rows.get(r)), metric);
            for (double v : values[r]) {
                if (!Double.isNaN(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min > max) {
            min = Double.NaN;
            max = Double.NaN;
        }
        return new HeatMap(metric, rows, stepLabels(), values, min, max);
    }

    /** The two files a change at {@code step} is between (the previous step's and its own), none at step 0. */
    public Optional<List<Path>> comparedFiles(int step) {
        if (step <= 0 || step >= run.steps().size()) {
            return Optional.empty();
        }
        return Optional.of(List.of(run.steps().get(step - 1).file(), run.steps().get(step).file()));
    }

    private static double[] values(Series s, Metric metric) {
        List<Double> list = s.get(metric);
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            Double v = list.get(i);
            out[i] = v == null ? Double.NaN : v;
        }
        return out;
    }
}
