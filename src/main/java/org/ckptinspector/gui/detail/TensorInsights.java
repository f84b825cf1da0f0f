package org.ckptinspector.gui.detail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.concurrent.Task;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.Comparison;
import org.ckptinspector.app.Fact;
import org.ckptinspector.app.HeatMapData;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.PreviewGrid;
import org.ckptinspector.app.StatisticsFacts;
import org.ckptinspector.app.StatsCache;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.gui.task.FxThread;
import org.ckptinspector.gui.task.MonitoredTask;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.stats.HistogramScale;
import org.ckptinspector.stats.StatsOptions;
import org.ckptinspector.stats.TensorStatistics;
import org.ckptinspector.stats.TensorStats;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;
import org.jfree.chart.JFreeChart;

/**
 * The value-based parts of a tensor's detail: statistics with a histogram (bins, log counts, log |x|), and in
 * diff mode B's statistics, the Δ statistics and both histograms overlaid; a Values tab with the first rows and
 * columns; a Heat map tab for matrices. Everything that reads values runs in the background; selecting another
 * tensor cancels what the last one started.
 */
public final class TensorInsights implements TensorSections {
    static final int PREVIEW_ROWS = 64;
    static final int PREVIEW_COLS = 24;
    static final int HEATMAP_CELLS = 256;
    private static final List<Integer> BIN_CHOICES = List.of(10, 20, 50, 100, 200, 500, 1000);

    private final Background background;
    private final Comparison.Lookup comparisons;
    private final StatsCache cache = new StatsCache();
    private final List<Task<?>> running = new ArrayList<>();
    private int bins = StatsOptions.DEFAULT_BINS;
    private boolean logCounts;
    private boolean logAbs;

    public TensorInsights(Background background, Comparison.Lookup comparisons) {
        this.background = background;
        this.comparisons = comparisons;
    }

    /**
     * Computes, at once and on the calling thread (any thread), what the views {@link #addTo} builds for
     * {@code t} in the background show: the statistics with the histogram, the values and the heat map. For the
     * start-up warm-up, which then lays them out off screen ({@link #viewsOf}) so that their first use is quick.
     */
    public Prepared prepareAll(TensorRef t) throws IOException {
        Optional<Comparison> cmp = comparisons.of(t);
        StatsOptions options = options(t);
        TensorStats a = TensorStatistics.compute(t, options, TaskMonitor.NONE);
        TensorRef b = cmp.map(Comparison::b).orElse(null);
        TensorStats sb = b == null ? null : TensorStatistics.compute(b, options, TaskMonitor.NONE);
        Shown shown = Shown.of(cmp.isPresent() ? "A" : t.key(), a, sb, logCounts);
        HeatMapView.Drawn heat = HeatMapData.applies(t)
                ? HeatMapView.draw(HeatMapData.of(t, HEATMAP_CELLS, HEATMAP_CELLS, TaskMonitor.NONE)) : null;
        return new Prepared(t, shown, cmp, PreviewGrid.of(t, PREVIEW_ROWS, PREVIEW_COLS), heat);
    }

    /** The views of {@link #prepareAll}'s result; on the FX thread. */
    public List<Node> viewsOf(Prepared p) {
        FxThread.check();
        List<Node> views = new ArrayList<>();
        views.add(statisticsView(new StackPane(), p.t(), p.shown(), p.cmp()));
        views.add(ValueTable.of(p.preview()));
        if (p.heat() != null) {
            views.add(HeatMapView.of(p.heat()));
        }
        return views;
    }

    /** A tensor's statistics, values and heat map, computed; see {@link #prepareAll}. */
    public record Prepared(TensorRef t, Shown shown, Optional<Comparison> cmp, PreviewGrid preview,
            HeatMapView.Drawn heat) {}

    @Override
    public void addTo(TabPane tabs, VBox overview, TensorRef t, OpenedCheckpoint doc) {
        running.forEach(Task::cancel);
        running.clear();
        Optional<String> unreadable = ValueReader.unreadableReason(t);
        if (unreadable.isPresent()) {
            Label why = new Label("Values cannot be read: " + unreadable.get());
            why.getStyleClass().add("placeholder");
            why.setWrapText(true);
            overview.getChildren().add(0, DetailPane.section("Statistics", why));
            return;
        }
        if (org.ckptinspector.app.SingleValue.applies(t)) {
            overview.getChildren().add(0, SingleValueView.of(t, comparisons.of(t)));
            return;
        }
        Optional<Comparison> cmp = comparisons.of(t);
        StackPane statsHolder = new StackPane();
        overview.getChildren().add(0, statsHolder);
        showStatistics(statsHolder, t, cmp);
        Tab values = new Tab("Values");
        values.setId("valuesTab");
        values.setContent(loading());
        Tab heat = HeatMapData.applies(t) ? new Tab("Heat map") : null;
        tabs.getTabs().add(values);
        if (heat != null) {
            heat.setId("heatMapTab");
            heat.setContent(loading());
            tabs.getTabs().add(heat);
        }
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, was, tab) -> {
            if (tab == values && values.getUserData() == null) {
                values.setUserData(Boolean.TRUE);
                run("Reading values of " + t.key(), m -> PreviewGrid.of(t, PREVIEW_ROWS, PREVIEW_COLS),
                        grid -> values.setContent(ValueTable.of(grid)), values::setContent);
            } else if (tab == heat && heat.getUserData() == null) {
                heat.setUserData(Boolean.TRUE);
                run("Drawing " + t.key(), m -> HeatMapView.draw(HeatMapData.of(t, HEATMAP_CELLS, HEATMAP_CELLS, m)),
                        drawn -> heat.setContent(HeatMapView.of(drawn, t, this::run)), heat::setContent);
            }
        });
    }

    private void showStatistics(StackPane holder, TensorRef t, Optional<Comparison> cmp) {
        StatsOptions options = options(t);
        TensorRef b = cmp.map(Comparison::b).filter(x -> ValueReader.unreadableReason(x).isEmpty()).orElse(null);
        TensorStats cachedA = cache.get(t, options);
        TensorStats cachedB = b == null ? null : cache.get(b, options);
        String nameA = cmp.isPresent() ? "A" : t.key();
        boolean log = logCounts;
        if (cachedA != null && (b == null || cachedB != null)) {
            holder.getChildren().setAll(statisticsView(holder, t, Shown.of(nameA, cachedA, cachedB, log), cmp));
            return;
        }
        holder.getChildren().setAll(DetailPane.section("Statistics", loading()));
        run("Statistics of " + t.key(), m -> {
            TensorStats sa = TensorStatistics.compute(t, options, m);
            TensorStats sb = b == null ? null : TensorStatistics.compute(b, options, m);
            return Shown.of(nameA, sa, sb, log);
        }, s -> {
            cache.put(t, options, s.a());
            if (s.b() != null) {
                cache.put(b, options, s.b());
            }
            holder.getChildren().setAll(statisticsView(holder, t, s, cmp));
        }, n -> holder.getChildren().setAll(DetailPane.section("Statistics", n)));
    }

    /**
     * Statistics ready to show: their lines of text and the histogram's chart (null: nothing finite to plot),
     * made where the statistics are computed, off the FX thread.
     */
    record Shown(TensorStats a, TensorStats b, List<Fact> factsA, List<Fact> factsB, JFreeChart chart) {
        static Shown of(String nameA, TensorStats a, TensorStats b, boolean logCounts) {
            List<HistogramChart.Series> series = new ArrayList<>();
            if (a.histogram() != null) {
                series.add(new HistogramChart.Series(nameA, a.histogram()));
            }
            if (b != null && b.histogram() != null) {
                series.add(new HistogramChart.Series("B", b.histogram()));
            }
            return new Shown(a, b, StatisticsFacts.of(a), b == null ? null : StatisticsFacts.of(b),
                    series.isEmpty() ? null : HistogramChart.chart(series, logCounts));
        }
    }

    /**
     * The bins and scale in force for {@code t}: a tensor with few values gets fewer bins. Computed on all cores but
     * one.
     */
    StatsOptions options(TensorRef t) {
        int n = bins;
        if (t.numel() < 4L * bins) {
            n = (int) Math.max(5, Math.min(bins, t.numel() / 4));
        }
        return StatsOptions.DEFAULT.withBins(n).withScale(logAbs ? HistogramScale.LOG_ABS : HistogramScale.LINEAR)
                .withThreads(Background.analysisThreads());
    }

    private Node statisticsView(StackPane holder, TensorRef t, Shown s, Optional<Comparison> cmp) {
        VBox box = new VBox(10);
        box.getChildren().add(histogramControls(holder, t, cmp));
        if (s.chart() == null) {
            Label none = new Label("No finite values to plot.");
            none.getStyleClass().add("placeholder");
            box.getChildren().add(none);
        } else {
            box.getChildren().add(HistogramChart.viewer(s.chart()));
        }
        VBox stats = new VBox(16);
        if (s.b() == null) {
            stats.getChildren().add(DetailPane.section("Statistics", FactGrid.of(s.factsA())));
        } else {
            HBox sides = new HBox(24, DetailPane.section("Statistics of A", FactGrid.of(s.factsA())),
                    DetailPane.section("Statistics of B", FactGrid.of(s.factsB())));
            sides.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
            stats.getChildren().add(sides);
        }
        cmp.ifPresent(c -> {
            Label status = new Label(c.status());
            status.getStyleClass().addAll("chip", "diff-chip");
            Node content = c.change() == null ? status : new VBox(8, status, FactGrid.of(StatisticsFacts.of(c.change())));
            stats.getChildren().add(0, DetailPane.section("Compared with B", content));
        });
        return new VBox(16, DetailPane.section("Histogram", box), stats);
    }

    private Node histogramControls(StackPane holder, TensorRef t, Optional<Comparison> cmp) {
        ComboBox<Integer> binBox = new ComboBox<>(FXCollections.observableArrayList(BIN_CHOICES));
        binBox.setId("binsChoice");
        binBox.setValue(bins);
        binBox.setOnAction(e -> {
            bins = binBox.getValue();
            showStatistics(holder, t, cmp);
        });
        Runnable redraw = () -> showStatistics(holder, t, cmp);
        CheckBox logY = option("log counts", "logCounts", logCounts, v -> logCounts = v, redraw);
        CheckBox logX = option("log |x|", "logAbs", logAbs, v -> logAbs = v, redraw);
        Label binsLabel = new Label("bins");
        binsLabel.getStyleClass().add("fact-label");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox row = new HBox(10, binsLabel, binBox, spacer, logY, logX);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("chart-controls");
        return row;
    }

    private static CheckBox option(String text, String id, boolean value, Consumer<Boolean> set, Runnable redraw) {
        CheckBox box = new CheckBox(text);
        box.setId(id);
        box.setSelected(value);
        box.setOnAction(e -> {
            set.accept(box.isSelected());
            redraw.run();
        });
        return box;
    }

    private <T> void run(String title, MonitoredTask.Work<T> work, Consumer<T> done, Consumer<Node> failed) {
        Task<T> task = background.runQuietly(new MonitoredTask<>(title, work), done,
                e -> failed.accept(errorLabel(e)));
        running.add(task);
    }

    private static Node errorLabel(Throwable e) {
        Label l = new Label(org.ckptinspector.app.ErrorMessages.of(e));
        l.getStyleClass().addAll("placeholder", "fact-problem");
        l.setWrapText(true);
        return l;
    }

    private static Node loading() {
        ProgressIndicator p = new ProgressIndicator();
        p.setMaxSize(28, 28);
        StackPane s = new StackPane(p);
        s.setMinHeight(60);
        return s;
    }
}
