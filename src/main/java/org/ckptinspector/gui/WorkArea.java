package org.ckptinspector.gui;

import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.GlobalRows;
import org.ckptinspector.app.WindowModel;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.detail.TensorInsights;
import org.ckptinspector.gui.diff.DiffPanel;
import org.ckptinspector.gui.export.ExportBasket;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.open.OpenActions;
import org.ckptinspector.gui.task.NextFrame;
import org.ckptinspector.gui.training.ContentsTabs;
import org.ckptinspector.gui.training.OptimizerMomentsSection;
import org.ckptinspector.gui.training.TrainingPane;
import org.ckptinspector.gui.tree.FilterBar;
import org.ckptinspector.gui.tree.LayerTreeTable;

/**
 * The views a file is shown in — the tree column (tabs over the diff panel) beside the detail pane over the basket —
 * and the window model that drives them. The main window makes it after its first frame (the start screen needs
 * none of it), or at once when a file is opened before.
 */
final class WorkArea {
    private final ExportSelection exportSelection = new ExportSelection();
    private final FilterBar filterBar = new FilterBar();
    private final LayerTreeTable tree = new LayerTreeTable(exportSelection);
    private final DetailPane detail;
    private final DiffPanel diffPanel;
    private final TrainingPane trainingPane;
    private final SplitPane view;
    private final WindowModel<LayerTreeTable.Rows> model;
    private final OpenActions opens;
    private boolean detailQueued;

    WorkArea(MainWindow w) {
        TensorInsights insights = new TensorInsights(w.background(), t -> model().comparisons().of(t));
        OptimizerMomentsSection moments = new OptimizerMomentsSection(w.background());
        detail = new DetailPane((tabs, overview, t, doc) -> {
            insights.addTo(tabs, overview, t, doc);
            moments.addTo(tabs, overview, t, doc);
        }, tree::select, () -> model().comparisons());
        trainingPane = new TrainingPane(w.background(), w::stage);
        tree.setDragFiles(w.dragOut()::files);
        diffPanel = new DiffPanel(() -> model().setComparison(null));
        VBox layers = new VBox(filterBar.view(), tree.view());
        VBox.setVgrow(layers.getChildren().get(1), Priority.ALWAYS);
        ExportBasket basket = new ExportBasket(exportSelection,
                () -> model().primary() == null ? null : model().primary().tree(), w::showExportDialog);
        view = layout(ContentsTabs.of(layers, trainingPane.view()), diffPanel.view(), detail.view(), basket.view());

        model = new WindowModel<>(w.background(), new WindowView(new WindowView.Parts(w.stage(), w.recent(),
                exportSelection, w.securityBanner(), w.center(), view, w.startScreen(), tree, detail, filterBar,
                w.statusBar(), diffPanel, trainingPane), w.commands(), w::showError));
        opens = new OpenActions(w.stage(), model, w.recent(), w.timelines()::open, w::showError);
        tree.showSidesOf(model.comparisons());
        model.start();
        filterBar.filterProperty().addListener((obs, was, f) -> model.setFilter(f));
        tree.selectedProperty().addListener((obs, was, node) -> showDetailSoon(w.scene()));
        diffPanel.alignPrefixesProperty().addListener((obs, was, now) -> model.setAlignPrefixes(now));
        diffPanel.differencesOnlyProperty().addListener((obs, was, now) -> model.setDifferencesOnly(now));
        w.securityBanner().setOnGlobal(g -> {
            if (tree.view().getRoot() != null) {
                GlobalRows.firstUse(tree.view().getRoot().getValue(), g).ifPresent(tree::select);
            }
        });
    }

    private static SplitPane layout(Node treeTabs, Node diffPanel, Node detail, Node basket) {
        VBox treeColumn = new VBox(treeTabs, diffPanel);
        treeColumn.getStyleClass().add("tree-column");
        VBox.setVgrow(treeTabs, Priority.ALWAYS);
        VBox detailColumn = new VBox(detail, basket);
        VBox.setVgrow(detail, Priority.ALWAYS);
        SplitPane area = new SplitPane(treeColumn, detailColumn);
        area.setOrientation(Orientation.HORIZONTAL);
        area.setDividerPositions(0.58);
        area.getStyleClass().add("work-area");
        return area;
    }

    /**
     * Shows the selected row's detail after the next frame, once for any number of selection changes before:
     * a new tree shows a frame earlier, and browsing with the arrow keys builds only the detail it stops at.
     */
    private void showDetailSoon(Scene scene) {
        if (!detailQueued) {
            detailQueued = true;
            NextFrame.run(scene, () -> {
                detailQueued = false;
                detail.show(tree.selectedProperty().get(), model.primary());
            });
        }
    }

    SplitPane view() {
        return view;
    }

    WindowModel<LayerTreeTable.Rows> model() {
        return model;
    }

    OpenActions opens() {
        return opens;
    }

    LayerTreeTable tree() {
        return tree;
    }

    FilterBar filterBar() {
        return filterBar;
    }

    ExportSelection exportSelection() {
        return exportSelection;
    }

    TrainingPane trainingPane() {
        return trainingPane;
    }
}
