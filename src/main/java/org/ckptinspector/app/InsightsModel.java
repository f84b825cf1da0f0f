package org.ckptinspector.app;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.stats.HistogramScale;
import org.ckptinspector.stats.StatsOptions;
import org.ckptinspector.stats.TensorStatistics;
import org.ckptinspector.stats.TensorStats;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;

/**
 * The value-based parts of the selected tensor's detail, without a toolkit: its statistics (with B's in diff
 * mode), its values and its heat map, each with a loading state. Each loads in the background, the values and
 * heat map only once asked for; selecting another tensor cancels what the last one started. Single-threaded.
 *
 * @param <S> the statistics as the view shows them (with their chart), made off the window's thread
 * @param <H> the heat map as the view shows it, made off the window's thread
 */
public final class InsightsModel<S, H> {
    public static final int PREVIEW_ROWS = 64;
    public static final int PREVIEW_COLS = 24;
    public static final int HEATMAP_CELLS = 256;
    /** The bin counts the histogram offers. */
    public static final List<Integer> BIN_CHOICES = List.of(10, 20, 50, 100, 200, 500, 1000);

    /** Where one tab's content stands. */
    public sealed interface Load<T> {
        /** Being computed. */
        record Loading<T>() implements Load<T> {}

        /** Computed. */
        record Ready<T>(T value) implements Load<T> {}

        /** Could not be computed; the message says why in plain words. */
        record Failed<T>(String message) implements Load<T> {}
    }

    /**
     * Statistics of A, and of B in diff mode (else {@code factsB} is null), with their lines of text and
     * histograms; in diff mode also the diff status in words and how the values changed (empty when not compared).
     */
    public record Statistics(String nameA, TensorStats a, TensorStats b, List<Fact> factsA, List<Fact> factsB,
            List<HistogramBars> histograms, Optional<String> comparedStatus, List<Fact> changeFacts,
            boolean logCounts) {}

    /** Whose tensor the values and the heat map show in diff mode: A's (the selection) or B's counterpart. */
    public enum Side { A, B }

    /** Receives each tab's state as it changes, for the selected tensor only; on the window's thread. */
    public interface Listener<S, H> {
        void statistics(Load<S> state);

        void values(Load<PreviewGrid> state);

        void heatMap(Load<H> state);
    }

    private final TaskRunner runner;
    private final Comparison.Lookup comparisons;
    private final Function<Statistics, S> showStatistics;
    private final Function<HeatMapData, H> showHeatMap;
    private final StatsCache cache = new StatsCache();
    private final List<TaskRunner.Handle> running = new ArrayList<>();
    private Listener<S, H> listener;
    private TensorRef selected;
    private long generation;
    private boolean valuesAsked;
    private boolean heatMapAsked;
    private Side side = Side.A;
    /** Counts the side changes and selections, so that values and heat maps of the side left are dropped. */
    private long sideGeneration;
    private int bins = StatsOptions.DEFAULT_BINS;
    private boolean logCounts;
    private boolean logAbs;

    public InsightsModel(TaskRunner runner, Comparison.Lookup comparisons, Function<Statistics, S> showStatistics,
            Function<HeatMapData, H> showHeatMap) {
        this.runner = runner;
        this.comparisons = comparisons;
        this.showStatistics = showStatistics;
        this.showHeatMap = showHeatMap;
    }

    public void setListener(Listener<S, H> l) {
        listener = l;
    }

    /**
     * Selects {@code t}, cancelling what the last selection started, and starts its statistics. Returns why its
     * values cannot be read, if they cannot (then nothing starts).
     */
    public Optional<String> select(TensorRef t) {
        running.forEach(TaskRunner.Handle::cancel);
        running.clear();
        generation++;
        selected = t;
        sideGeneration++;
        valuesAsked = false;
        heatMapAsked = false;
        Optional<String> unreadable = ValueReader.unreadableReason(t);
        if (unreadable.isEmpty()) {
            loadStatistics();
        }
        return unreadable;
    }

    public TensorRef selected() {
        return selected;
    }

    /** The comparison of the selected tensor with B's; empty outside diff mode. */
    public Optional<Comparison> comparison() {
        return selected == null ? Optional.empty() : comparisons.of(selected);
    }

    /** Whether the selected tensor has a heat map (it is a matrix). */
    public boolean hasHeatMap() {
        return selected != null && HeatMapData.applies(selected);
    }

    /** B's tensor for the selection, when in diff mode B has one whose values can be read. */
    public Optional<TensorRef> counterpart() {
        return comparison().map(Comparison::b).filter(b -> b != null && ValueReader.unreadableReason(b).isEmpty());
    }

    /** The side chosen for the values and the heat map; it stays when the selection changes. */
    public Side side() {
        return side;
    }

    /** The tensor the values and the heat map show: B's counterpart on side B (when there is one), else A's. */
    public TensorRef shown() {
        return side == Side.B ? counterpart().orElse(selected) : selected;
    }

    /** Shows A's or B's values and heat map; what was asked of the other side is read again for this one. */
    public void setSide(Side s) {
        if (s == side) {
            return;
        }
        side = s;
        sideGeneration++;
        boolean values = valuesAsked;
        boolean heatMap = heatMapAsked;
        valuesAsked = false;
        heatMapAsked = false;
        if (values) {
            askValues();
        }
        if (heatMap) {
            askHeatMap();
        }
    }

    /** Starts reading the values of the {@link #shown()} tensor, once per selection and side. */
    public void askValues() {
        if (!valuesAsked && selected != null) {
            valuesAsked = true;
            TensorRef t = shown();
            long sg = sideGeneration;
            start("Reading values of " + t.key(), m -> PreviewGrid.of(t, PREVIEW_ROWS, PREVIEW_COLS),
                    s -> {
                        if (sg == sideGeneration) {
                            listener.values(s);
                        }
                    });
        }
    }

    /** Starts drawing the heat map of the {@link #shown()} tensor, once per selection and side. */
    public void askHeatMap() {
        if (!heatMapAsked && hasHeatMap()) {
            heatMapAsked = true;
            TensorRef t = shown();
            if (!HeatMapData.applies(t)) {
                listener.heatMap(new Load.Failed<>("B's " + t.key() + " " + Formats.shape(t.shape())
                        + " has no heat map."));
                return;
            }
            long sg = sideGeneration;
            start("Drawing " + t.key(), m -> showHeatMap.apply(HeatMapData.of(t, HEATMAP_CELLS, HEATMAP_CELLS, m)),
                    s -> {
                        if (sg == sideGeneration) {
                            listener.heatMap(s);
                        }
                    });
        }
    }

    public int bins() {
        return bins;
    }

    public boolean logCounts() {
        return logCounts;
    }

    public boolean logAbs() {
        return logAbs;
    }

    /** Sets the histogram's bins and recomputes the statistics. */
    public void setBins(int n) {
        bins = n;
        loadStatistics();
    }

    public void setLogCounts(boolean v) {
        logCounts = v;
        loadStatistics();
    }

    public void setLogAbs(boolean v) {
        logAbs = v;
        loadStatistics();
    }

    /** Shows the selected tensor's statistics: at once from the cache, else computed in the background. */
    private void loadStatistics() {
        TensorRef t = selected;
        if (t == null || ValueReader.unreadableReason(t).isPresent()) {
            return;
        }
        Optional<Comparison> cmp = comparisons.of(t);
        StatsOptions options = options(t);
        TensorRef b = cmp.map(Comparison::b).filter(x -> ValueReader.unreadableReason(x).isEmpty()).orElse(null);
        String nameA = cmp.isPresent() ? "A" : t.key();
        boolean log = logCounts;
        TensorStats cachedA = cache.get(t, options);
        TensorStats cachedB = b == null ? null : cache.get(b, options);
        if (cachedA != null && (b == null || cachedB != null)) {
            listener.statistics(new Load.Ready<>(showStatistics.apply(statistics(nameA, cachedA, cachedB, cmp, log))));
            return;
        }
        long gen = generation;
        listener.statistics(new Load.Loading<>());
        running.add(runner.runQuietly("Statistics of " + t.key(), m -> {
            TensorStats sa = TensorStatistics.compute(t, options, m);
            TensorStats sb = b == null ? null : TensorStatistics.compute(b, options, m);
            Statistics s = statistics(nameA, sa, sb, cmp, log);
            return new Computed<>(s, showStatistics.apply(s));
        }, c -> {
            cache.put(t, options, c.statistics().a());
            if (c.statistics().b() != null) {
                cache.put(b, options, c.statistics().b());
            }
            if (gen == generation) {
                listener.statistics(new Load.Ready<>(c.shown()));
            }
        }, e -> {
            if (gen == generation) {
                listener.statistics(new Load.Failed<>(ErrorMessages.of(e)));
            }
        }));
    }

    private record Computed<S>(Statistics statistics, S shown) {}

    private <T> void start(String title, TaskRunner.Work<T> work, java.util.function.Consumer<Load<T>> to) {
        long gen = generation;
        to.accept(new Load.Loading<>());
        running.add(runner.runQuietly(title, work, v -> {
            if (gen == generation) {
                to.accept(new Load.Ready<>(v));
            }
        }, e -> {
            if (gen == generation) {
                to.accept(new Load.Failed<>(ErrorMessages.of(e)));
            }
        }));
    }

    private static Statistics statistics(String nameA, TensorStats a, TensorStats b, Optional<Comparison> cmp,
            boolean logCounts) {
        List<HistogramBars> bars = new ArrayList<>();
        if (a.histogram() != null) {
            bars.add(HistogramBars.of(nameA, a.histogram()));
        }
        if (b != null && b.histogram() != null) {
            bars.add(HistogramBars.of("B", b.histogram()));
        }
        List<Fact> change = cmp.map(Comparison::change).map(StatisticsFacts::of).orElse(List.of());
        return new Statistics(nameA, a, b, StatisticsFacts.of(a), b == null ? null : StatisticsFacts.of(b),
                List.copyOf(bars), cmp.map(Comparison::status), change, logCounts);
    }

    /** The bins and scale in force for {@code t}: a tensor with few values gets fewer bins. */
    StatsOptions options(TensorRef t) {
        int n = bins;
        if (t.numel() < 4L * bins) {
            n = (int) Math.max(5, Math.min(bins, t.numel() / 4));
        }
        return StatsOptions.DEFAULT.withBins(n).withScale(logAbs ? HistogramScale.LOG_ABS : HistogramScale.LINEAR)
                .withThreads(TaskRunner.analysisThreads());
    }

    /** Everything the tabs show for {@code t}, computed at once on the calling thread (any); for the warm-up. */
    public Everything<S, H> computeAll(TensorRef t) throws IOException {
        Optional<Comparison> cmp = comparisons.of(t);
        StatsOptions options = options(t);
        TensorStats a = TensorStatistics.compute(t, options, TaskMonitor.NONE);
        TensorRef b = cmp.map(Comparison::b).orElse(null);
        TensorStats sb = b == null ? null : TensorStatistics.compute(b, options, TaskMonitor.NONE);
        S shown = showStatistics.apply(statistics(cmp.isPresent() ? "A" : t.key(), a, sb, cmp, logCounts));
        H heat = HeatMapData.applies(t)
                ? showHeatMap.apply(HeatMapData.of(t, HEATMAP_CELLS, HEATMAP_CELLS, TaskMonitor.NONE)) : null;
        return new Everything<>(t, shown, PreviewGrid.of(t, PREVIEW_ROWS, PREVIEW_COLS), heat);
    }

    /** A tensor's statistics, values and heat map (null if none), computed; see {@link #computeAll}. */
    public record Everything<S, H>(TensorRef t, S statistics, PreviewGrid values, H heatMap) {}
}
