package org.ckptinspector.gui;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.ckptinspector.app.Aggregate;
import org.ckptinspector.app.DiffStatus;
import org.ckptinspector.app.FilteredTree;
import org.ckptinspector.app.LayerFilter;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.WindowModel;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.diff.DiffPanel;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.open.StartScreen;
import org.ckptinspector.gui.security.SecurityBanner;
import org.ckptinspector.gui.training.TrainingPane;
import org.ckptinspector.gui.tree.FilterBar;
import org.ckptinspector.gui.tree.LayerTreeTable;
import org.ckptinspector.model.DType;

/** What the window model shows, put on the main window's controls. */
final class WindowView implements WindowModel.View<LayerTreeTable.Rows> {
    /** The main window's controls this view updates. */
    record Parts(Stage stage, RecentFiles recent, ExportSelection exportSelection, SecurityBanner securityBanner,
            StackPane center, SplitPane workArea, StartScreen startScreen, LayerTreeTable tree, DetailPane detail,
            FilterBar filterBar, StatusBar statusBar, DiffPanel diffPanel, TrainingPane training) {}

    private final Parts p;
    private final ObjectProperty<WindowModel.Commands> commands;
    private final BiConsumer<String, Throwable> errors;

    WindowView(Parts p, ObjectProperty<WindowModel.Commands> commands, BiConsumer<String, Throwable> errors) {
        this.p = p;
        this.commands = commands;
        this.errors = errors;
    }

    @Override
    public LayerTreeTable.Rows rowsOf(LayerNode root) {
        return LayerTreeTable.prepare(root, FilteredTree.of(root, LayerFilter.NONE));
    }

    @Override
    public void opened(Path file) {
        p.recent().add(file);
    }

    @Override
    public void showNoDocument() {
        p.exportSelection().clear();
        p.securityBanner().show(List.of());
        p.workArea().setVisible(false);
        p.center().getChildren().setAll(p.workArea(), p.startScreen().view());
        p.tree().clear();
        p.detail().clear();
        p.training().show(null);
    }

    @Override
    public void showDocument(OpenedCheckpoint doc, LayerTreeTable.Rows rows, Set<DType> dtypes) {
        p.exportSelection().clear();
        p.securityBanner().show(doc.globals());
        p.training().show(doc);
        p.filterBar().setDTypes(dtypes);
        p.tree().show(rows);
        p.center().getChildren().setAll(p.workArea());
        p.workArea().setVisible(true);
        p.tree().view().requestFocus();
    }

    @Override
    public void showRows(LayerTreeTable.Rows rows) {
        p.tree().show(rows);
    }

    @Override
    public void showMarks(Function<LayerNode, DiffStatus> status) {
        p.tree().setDiffStatus(status);
    }

    @Override
    public void showFiltered(FilteredTree filtered, boolean filtering) {
        p.tree().applyFilter(filtered, filtering);
    }

    @Override
    public void showTotals(Aggregate all, long shownTensors) {
        p.statusBar().showTotals(all, shownTensors);
    }

    @Override
    public void showComparison(DiffResult r, Map<DiffStatus, Integer> counts, String fileA, String fileB) {
        p.diffPanel().show(r, counts, fileA, fileB);
    }

    @Override
    public void hideComparison() {
        p.diffPanel().hide();
    }

    @Override
    public void showTitle(String title) {
        p.stage().setTitle(title);
    }

    @Override
    public void showCommands(WindowModel.Commands c) {
        commands.set(c);
    }

    @Override
    public void showError(String title, Throwable error) {
        errors.accept(title, error);
    }
}
