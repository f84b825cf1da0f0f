package org.ckptinspector.gui.detail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.collections.FXCollections;
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
import org.ckptinspector.app.InsightsModel;
import org.ckptinspector.app.InsightsModel.Load;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.PreviewGrid;
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.gui.task.FxThread;
import org.ckptinspector.model.TensorRef;
import org.jfree.chart.JFreeChart;

/**
 * The value-based parts of a tensor's detail, laid out over an {@link InsightsModel}: statistics with a histogram
 * (bins, log counts, log |x|), and in diff mode B's statistics, the Δ statistics and both histograms overlaid; a
 * Values tab with the first rows and columns; a Heat map tab for matrices.
 */
public final class TensorInsights implements TensorSections, InsightsModel.Listener<TensorInsights.Shown,
        HeatMapView.Drawn> {
    private final InsightsModel<Shown, HeatMapView.Drawn> model;
    private final TaskRunner runner;
    private StackPane statsHolder = new StackPane();
    private Tab valuesTab = new Tab();
    private Tab heatTab = new Tab();
    private StackPane valuesHolder = new StackPane();
    private StackPane heatHolder = new StackPane();

    /** @param runner runs the work; null for a view that only shows {@link #prepareAll}'s results */
    public TensorInsights(TaskRunner runner, Comparison.Lookup comparisons) {
        this.model = new InsightsModel<>(runner, comparisons, Shown::of, HeatMapView::draw);
        this.runner = runner;
        model.setListener(this);
    }

    /** Statistics ready to show with the histogram's chart (null: nothing finite to plot), made off the FX thread. */
    public record Shown(InsightsModel.Statistics s, JFreeChart chart) {
        static Shown of(InsightsModel.Statistics s) {
            return new Shown(s, s.histograms().isEmpty() ? null : HistogramChart.chart(s.histograms(), s.logCounts()));
        }
    }

    /** A tensor's statistics, values and heat map, computed; see {@link #prepareAll}. */
    public record Prepared(InsightsModel.Everything<Shown, HeatMapView.Drawn> all) {}

    /** Computes at once, on the calling thread (any), what the tabs show for {@code t}; for the warm-up. */
    public Prepared prepareAll(TensorRef t) throws IOException {
        return new Prepared(model.computeAll(t));
    }

    /** The views of {@link #prepareAll}'s result; on the FX thread. */
    public List<Node> viewsOf(Prepared prepared) {
        FxThread.check();
        var p = prepared.all();
        List<Node> views = new ArrayList<>();
        views.add(statisticsView(p.statistics()));
        views.add(ValueTable.of(p.values()));
        if (p.heatMap() != null) {
            views.add(HeatMapView.of(p.heatMap()));
        }
        return views;
    }

    @Override
    public void addTo(TabPane tabs, VBox overview, TensorRef t, OpenedCheckpoint doc) {
        statsHolder = new StackPane();
        valuesTab = new Tab("Values");
        valuesTab.setId("valuesTab");
        heatTab = new Tab("Heat map");
        heatTab.setId("heatMapTab");
        overview.getChildren().add(0, statsHolder);
        Optional<String> unreadable = model.select(t);
        if (unreadable.isPresent()) {
            Label why = new Label("Values cannot be read: " + unreadable.get());
            why.getStyleClass().add("placeholder");
            why.setWrapText(true);
            statsHolder.getChildren().setAll(DetailPane.section("Statistics", why));
            return;
        }
        if (org.ckptinspector.app.SingleValue.applies(t)) {
            overview.getChildren().set(0, SingleValueView.of(t, model.comparison()));
            return;
        }
        valuesHolder = new StackPane();
        heatHolder = new StackPane();
        SideSwitch sides = model.counterpart().isEmpty() ? null : new SideSwitch(model.side(), model::setSide);
        valuesHolder.getChildren().setAll(loading());
        valuesTab.setContent(withSides(sides, "values", valuesHolder));
        tabs.getTabs().add(valuesTab);
        if (model.hasHeatMap()) {
            heatHolder.getChildren().setAll(loading());
            heatTab.setContent(withSides(sides, "heat map", heatHolder));
            tabs.getTabs().add(heatTab);
        }
        Tab values = valuesTab;
        Tab heat = heatTab;
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, was, tab) -> {
            if (tab == values) {
                model.askValues();
            } else if (tab == heat) {
                model.askHeatMap();
            }
        });
    }

    @Override
    public void statistics(Load<Shown> state) {
        statsHolder.getChildren().setAll(state instanceof Load.Ready<Shown> r ? statisticsView(r.value())
                : DetailPane.section("Statistics", view(state, x -> null)));
    }

    @Override
    public void values(Load<PreviewGrid> state) {
        valuesHolder.getChildren().setAll(view(state, ValueTable::of));
    }

    @Override
    public void heatMap(Load<HeatMapView.Drawn> state) {
        TensorRef t = model.shown();
        heatHolder.getChildren().setAll(view(state, d -> HeatMapView.of(d, t, runner)));
    }

    /** A tab's content holder, under the A | B switch when the tensor is compared with B's. */
    private static Node withSides(SideSwitch sides, String what, StackPane holder) {
        if (sides == null) {
            return holder;
        }
        VBox box = new VBox(8, sides.view(what), holder);
        box.getStyleClass().add("side-switched");
        VBox.setVgrow(holder, Priority.ALWAYS);
        return box;
    }

    /** A tab's content: a spinner while loading, the view once ready, the reason when it failed. */
    private static <T> Node view(Load<T> state, Function<T, Node> ready) {
        if (state instanceof Load.Ready<T> r) {
            return ready.apply(r.value());
        }
        return state instanceof Load.Failed<T> f ? errorLabel(f.message()) : loading();
    }

    private Node statisticsView(Shown shown) {
        InsightsModel.Statistics s = shown.s();
        VBox box = new VBox(10);
        box.getChildren().add(histogramControls());
        if (shown.chart() == null) {
            Label none = new Label("No finite values to plot.");
            none.getStyleClass().add("placeholder");
            box.getChildren().add(none);
        } else {
            box.getChildren().addAll(HistogramChart.viewer(shown.chart()), HistogramZoom.of(shown.chart()));
        }
        VBox stats = new VBox(16);
        if (s.factsB() == null) {
            stats.getChildren().add(DetailPane.section("Statistics", FactGrid.of(s.factsA())));
        } else {
            HBox sides = new HBox(24, DetailPane.section("Statistics of A", FactGrid.of(s.factsA())),
                    DetailPane.section("Statistics of B", FactGrid.of(s.factsB())));
            sides.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
            stats.getChildren().add(sides);
        }
        s.comparedStatus().ifPresent(c -> {
            Label status = new Label(c);
            status.getStyleClass().addAll("chip", "diff-chip");
            Node content = s.changeFacts().isEmpty() ? status : new VBox(8, status, FactGrid.of(s.changeFacts()));
            stats.getChildren().add(0, DetailPane.section("Compared with B", content));
        });
        return new VBox(16, DetailPane.section("Histogram", box), stats);
    }

    private Node histogramControls() {
        ComboBox<Integer> binBox = new ComboBox<>(FXCollections.observableArrayList(InsightsModel.BIN_CHOICES));
        binBox.setId("binsChoice");
        binBox.setValue(model.bins());
        binBox.setOnAction(e -> model.setBins(binBox.getValue()));
        CheckBox logY = option("log counts", "logCounts", model.logCounts(), model::setLogCounts);
        CheckBox logX = option("log |x|", "logAbs", model.logAbs(), model::setLogAbs);
        Label binsLabel = new Label("bins");
        binsLabel.getStyleClass().add("fact-label");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox row = new HBox(10, binsLabel, binBox, spacer, logY, logX);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("chart-controls");
        return row;
    }

    private static CheckBox option(String text, String id, boolean value, Consumer<Boolean> set) {
        CheckBox box = new CheckBox(text);
        box.setId(id);
        box.setSelected(value);
        box.setOnAction(e -> set.accept(box.isSelected()));
        return box;
    }

    private static Node errorLabel(String message) {
        Label l = new Label(message);
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
