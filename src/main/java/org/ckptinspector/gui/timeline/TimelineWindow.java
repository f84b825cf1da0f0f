package org.ckptinspector.gui.timeline;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;
import org.ckptinspector.app.Formats;
import org.ckptinspector.app.RunTimeline;
import org.ckptinspector.trajectory.Metric;
import org.jfree.chart.fx.ChartViewer;

/**
 * The Timeline of a run, in a window of its own: on the left the modules and tensors (frozen ones and those
 * with NaN/Inf marked), on the right the line chart of the chosen one's metric over the steps and the module ×
 * step heat map of relative change, whose cells open the two-file comparison of their step and the one before.
 */
public final class TimelineWindow {
    private final RunTimeline model;
    private final Stage stage = new Stage();
    private final ChartViewer chart;
    private final Label chartTitle = new Label();
    private final ChangeHeatMap heat;

    /**
     * @param stylesheets the main window's, so both look alike
     * @param compare opens the comparison of two files (A, then B) in the main window
     */
    public TimelineWindow(Window owner, List<String> stylesheets, String name, RunTimeline model,
            BiConsumer<Path, Path> compare) {
        this.model = model;
        ListView<RunTimeline.Entry> entries = new ListView<>(FXCollections.observableList(model.entries()));
        entries.setId("timelineEntries");
        entries.getStyleClass().add("timeline-entries");
        entries.setCellFactory(v -> new EntryCell(model));
        entries.setMinWidth(200);
        entries.setPrefWidth(300);

        ChoiceBox<Metric> metric = new ChoiceBox<>(FXCollections.observableArrayList(Metric.values()));
        metric.setId("metricChoice");
        metric.setConverter(new StringConverter<>() {
            @Override
            public String toString(Metric m) {
                return m == null ? "" : m.id();
            }

            @Override
            public Metric fromString(String s) {
                return null;
            }
        });
        metric.setValue(model.metric());
        metric.setTooltip(new Tooltip("The figure the chart shows per step"));

        chart = new ChartViewer(chart());
        chart.setId("timelineChart");
        chart.setMinHeight(160);
        chartTitle.setId("timelineSelected");
        chartTitle.getStyleClass().add("detail-title");
        chartTitle.setMinWidth(0);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        Label metricLabel = new Label("Metric");
        metricLabel.getStyleClass().add("fact-label");
        metricLabel.setMinWidth(Region.USE_PREF_SIZE);
        HBox chartBar = new HBox(10, chartTitle, gap, metricLabel, metric);
        chartBar.setAlignment(Pos.CENTER_LEFT);

        heat = new ChangeHeatMap(model, (row, step) -> model.comparison(step)
                .ifPresent(files -> compare.accept(files.get(0), files.get(1))));
        Label heatTitle = new Label("RELATIVE CHANGE TO THE PREVIOUS STEP, PER MODULE");
        heatTitle.getStyleClass().add("section-title");
        Label heatHint = new Label("click a cell to compare that step with the one before  ·  grey: no figure "
                + "(first step, or absent)");
        heatHint.getStyleClass().add("link-meta");
        heatHint.setMinWidth(0);
        HBox legend = legend();
        VBox right = new VBox(8, chartBar, chart, heatTitle, heat.view(), legend, heatHint, heat.readout());
        right.getStyleClass().add("detail-content");
        VBox.setVgrow(chart, Priority.ALWAYS);
        VBox.setVgrow(heat.view(), Priority.SOMETIMES);

        SplitPane split = new SplitPane(entries, right);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.26);
        SplitPane.setResizableWithParent(entries, false);

        Label title = new Label("Timeline  ·  " + name);
        title.getStyleClass().add("dialog-title");
        title.setMinWidth(0);
        Label summary = new Label(model.summary());
        summary.getStyleClass().add("link-meta");
        summary.setMinWidth(Region.USE_PREF_SIZE);
        HBox head = new HBox(14, title, summary);
        head.setAlignment(Pos.BASELINE_LEFT);
        Label frozen = new Label(frozenText());
        frozen.setId("frozenSummary");
        frozen.getStyleClass().add("timeline-frozen");
        frozen.setWrapText(true);
        Label nonfinite = new Label(nonfiniteText());
        nonfinite.setId("nonfiniteSummary");
        nonfinite.getStyleClass().add(model.nonfiniteTensors().isEmpty() ? "timeline-clean" : "timeline-nonfinite");
        nonfinite.setWrapText(true);
        VBox top = new VBox(6, head, frozen, nonfinite);
        top.setPadding(new Insets(12, 18, 10, 18));
        top.getStyleClass().add("timeline-head");

        BorderPane root = new BorderPane(split);
        root.setTop(top);
        root.setId("timelineWindow");
        Scene scene = new Scene(root, 1280, 800);
        scene.getStylesheets().addAll(stylesheets);
        scene.getStylesheets().add(TimelineWindow.class.getResource("timeline.css").toExternalForm());
        stage.setScene(scene);
        stage.setTitle("Timeline — " + name);
        stage.initOwner(owner);

        entries.getSelectionModel().selectedItemProperty().addListener((o, was, e) -> {
            if (e != null) {
                model.select(e.name());
                refresh();
            }
        });
        metric.valueProperty().addListener((o, was, m) -> {
            model.setMetric(m);
            refresh();
        });
        entries.getSelectionModel().select(0);
        refresh();
    }

    /** The colour scale: the smallest change above zero to the largest, on a log scale. */
    private HBox legend() {
        Region bar = new Region();
        bar.setPrefSize(180, 10);
        bar.setMaxHeight(10);
        bar.setStyle("-fx-background-color: linear-gradient(to right, #eef2ff, #1e2a78); -fx-background-radius: 3;");
        Label lo = new Label(Formats.number(model.smallestChange()));
        Label hi = new Label(Formats.number(model.heatMap().max()) + "  (log scale; 0 = unchanged)");
        lo.getStyleClass().add("link-meta");
        hi.getStyleClass().add("link-meta");
        HBox box = new HBox(8, lo, bar, hi);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private String frozenText() {
        List<String> keys = model.frozenTensors();
        return keys.isEmpty() ? "Frozen: none — every tensor changes at some step"
                : "Frozen (identical in every file), " + keys.size() + ":  " + String.join(",  ", keys);
    }

    private String nonfiniteText() {
        List<String> labels = model.stepLabels();
        return model.nonfiniteTensors().isEmpty() ? "NaN/Inf: none at any step"
                : "NaN/Inf first at:  " + model.nonfiniteTensors().stream()
                        .map(n -> n.key() + " — step " + labels.get(n.step())).collect(Collectors.joining(",  "));
    }

    private org.jfree.chart.JFreeChart chart() {
        return TrajectoryChart.chart(model.selected(), model.metric().id(), model.stepLabels(), model.series(),
                model.selectedEntry().map(RunTimeline.Entry::firstNonfinite).orElse(null));
    }

    private void refresh() {
        chartTitle.setText(model.selected());
        chart.setChart(chart());
    }

    public Stage stage() {
        return stage;
    }

    public RunTimeline model() {
        return model;
    }

    /** The chart of the selection (for tests and screenshots). */
    public ChartViewer chartViewer() {
        return chart;
    }

    /** The heat map of relative change. */
    public ChangeHeatMap heatMap() {
        return heat;
    }

    /** A chooser row: the name, with what sets it apart. */
    private static final class EntryCell extends ListCell<RunTimeline.Entry> {
        private final RunTimeline model;

        EntryCell(RunTimeline model) {
            this.model = model;
        }

        @Override
        protected void updateItem(RunTimeline.Entry e, boolean empty) {
            super.updateItem(e, empty);
            getStyleClass().removeAll("timeline-module", "timeline-tensor");
            if (empty || e == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            getStyleClass().add(e.module() ? "timeline-module" : "timeline-tensor");
            Label name = new Label(e.name());
            name.getStyleClass().add("mono");
            name.setMinWidth(0);
            HBox row = new HBox(6, name);
            row.setAlignment(Pos.CENTER_LEFT);
            if (e.frozen()) {
                row.getChildren().add(chip("frozen", "timeline-frozen-chip"));
            }
            if (e.firstNonfinite() != null) {
                row.getChildren().add(chip("NaN/Inf @ " + model.stepLabels().get(e.firstNonfinite()),
                        "timeline-nonfinite-chip"));
            }
            setText(null);
            setGraphic(row);
        }

        private static Label chip(String text, String style) {
            Label l = new Label(text);
            l.getStyleClass().addAll("chip", style);
            l.setMinWidth(Region.USE_PREF_SIZE);
            return l;
        }
    }
}
