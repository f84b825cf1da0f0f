package org.ckptinspector.gui.training;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.ErrorMessages;
import org.ckptinspector.app.Fact;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.OptimizerMoments;
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.detail.FactGrid;
import org.ckptinspector.gui.detail.HistogramChart;
import org.ckptinspector.gui.detail.TensorSections;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.model.TensorRef;
import org.jfree.chart.JFreeChart;

/**
 * The Optimizer tab of a model parameter's detail: each optimizer state tensor the mapping gives it (exp_avg,
 * exp_avg_sq, momentum_buffer) with its statistics and histogram, computed in the background when the tab is
 * first shown; or why there is none.
 */
public final class OptimizerMomentsSection implements TensorSections {
    /** Bins of each moment's histogram: several charts share the tab. */
    static final int BINS = 50;

    private final Background background;
    private final List<TaskRunner.Handle> running = new ArrayList<>();

    public OptimizerMomentsSection(Background background) {
        this.background = background;
    }

    /** A moment's statistics and chart, made off the FX thread. */
    private record Shown(OptimizerMoments.Moment moment, List<Fact> facts, JFreeChart chart) {}

    @Override
    public void addTo(TabPane tabs, VBox overview, TensorRef t, OpenedCheckpoint doc) {
        running.forEach(TaskRunner.Handle::cancel);
        running.clear();
        List<OptimizerMoments.Moment> moments = OptimizerMoments.of(doc.checkpoint(), doc.training(), t);
        var why = OptimizerMoments.whyNone(doc.training(), t);
        if (moments.isEmpty() && why.isEmpty()) {
            return;
        }
        Tab tab = new Tab("Optimizer");
        tab.setId("optimizerTab");
        tabs.getTabs().add(tab);
        if (moments.isEmpty()) {
            tab.setContent(DetailPane.scroll(DetailPane.section("Optimizer state",
                    TrainingPane.placeholder(why.get()))));
            return;
        }
        tab.setContent(loading());
        Runnable load = () -> {
            if (tab.getUserData() == null) {
                tab.setUserData(Boolean.TRUE);
                compute(tab, moments);
            }
        };
        if (tab.isSelected()) {
            load.run();
        }
        tab.selectedProperty().addListener((obs, was, now) -> {
            if (now) {
                load.run();
            }
        });
    }

    private void compute(Tab tab, List<OptimizerMoments.Moment> moments) {
        running.add(background.<List<Shown>>runQuietly("Optimizer state", m -> {
            List<Shown> out = new ArrayList<>();
            for (OptimizerMoments.Measured mo : OptimizerMoments.measure(moments, BINS, m)) {
                JFreeChart chart = mo.bars() == null ? null : HistogramChart.chart(List.of(mo.bars()), false);
                out.add(new Shown(mo.moment(), mo.facts(), chart));
            }
            return out;
        }, shown -> tab.setContent(view(shown)), e -> tab.setContent(DetailPane.scroll(TrainingPane.placeholder(
                ErrorMessages.of(e))))));
    }

    private static Node view(List<Shown> shown) {
        List<Node> sections = new ArrayList<>();
        for (Shown s : shown) {
            Label where = new Label(s.moment().tensor().key());
            where.getStyleClass().add("link-meta");
            VBox box = new VBox(8, where);
            if (s.chart() != null) {
                var viewer = HistogramChart.viewer(s.chart());
                viewer.setId("momentHistogram");
                viewer.setPrefHeight(170);
                viewer.setMinHeight(150);
                box.getChildren().add(viewer);
            }
            box.getChildren().add(FactGrid.of(s.facts()));
            sections.add(DetailPane.section(s.moment().state(), box));
        }
        return DetailPane.scroll(sections.toArray(Node[]::new));
    }

    private static Node loading() {
        ProgressIndicator p = new ProgressIndicator();
        p.setMaxSize(28, 28);
        return new VBox(p);
    }
}
