package org.ckptinspector.gui;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.ckptinspector.app.ComparisonModel;
import org.ckptinspector.app.ComparisonState;
import org.ckptinspector.app.DiffMerge;
import org.ckptinspector.app.FilteredTree;
import org.ckptinspector.app.LayerFilter;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.detail.TensorInsights;
import org.ckptinspector.gui.diff.DiffPanel;
import org.ckptinspector.gui.export.ExportBasket;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.open.SampleCheckpoint;
import org.ckptinspector.gui.task.FxThread;
import org.ckptinspector.gui.task.NextFrame;
import org.ckptinspector.gui.tree.FilterBar;
import org.ckptinspector.gui.tree.LayerTreeTable;
import org.ckptinspector.model.DType;
import org.ckptinspector.task.TaskMonitor;

/**
 * Uses the app's views once on the bundled sample while the start screen shows, so that their first real use
 * does not freeze the window on class loading, CSS and font set-up: the layer tree (plain, ticked and marked
 * by a comparison), the detail pane of the file, a module and a tensor, that tensor's statistics, values and
 * heat map, the comparison panel, the export basket and the filter bar. The reading and computing runs on a
 * background thread; every view is built and laid out on the FX thread, one per event, in an off-screen scene.
 * Best effort: a failure only leaves the first use slower.
 */
final class WarmUp {
    private WarmUp() {}

    /** The sample opened, compared with itself and analysed: everything the views need, made off the FX thread. */
    record Prepared(OpenedCheckpoint doc, DiffResult diff, ComparisonState comparison, ExportSelection selection,
            LayerNode module, LayerNode tensor, LayerTreeTable.Rows rows, LayerTreeTable.Rows markedRows,
            List<TensorInsights.Prepared> insights) {}

    /**
     * Prepares in the background, then builds the views on the FX thread, one per event so that input and
     * frames go between them; then runs {@code then} on the FX thread.
     */
    static void start(String stylesheet, Runnable then) {
        Thread t = new Thread(() -> {
            Prepared p = prepare();
            Platform.runLater(() -> {
                if (p == null) {
                    then.run();
                    return;
                }
                Deque<Supplier<Node>> steps = new ArrayDeque<>(views(p));
                VBox root = new VBox();
                Scene scene = new Scene(root, 1400, 900);
                scene.getStylesheets().add(stylesheet);
                buildNext(root, steps, () -> {
                    p.doc().close();
                    then.run();
                });
            });
        }, "view-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void buildNext(VBox root, Deque<Supplier<Node>> steps, Runnable then) {
        Supplier<Node> step = steps.poll();
        if (step == null) {
            root.getChildren().clear();
            then.run();
            return;
        }
        try {
            root.getChildren().setAll(step.get());
            root.applyCss();
            root.layout();
        } catch (RuntimeException e) {
            // a view that fails here fails the same way when used, with the user's file and a proper message
        }
        Platform.runLater(() -> buildNext(root, steps, then));
    }

    /** The sample's data for the views; null if it cannot be read. Any thread. */
    static Prepared prepare() {
        OpenedCheckpoint doc = null;
        try {
            doc = OpenedCheckpoint.open(SampleCheckpoint.file(), TaskMonitor.NONE);
            ComparisonModel.Compared compared = ComparisonModel.compare(doc, doc, false, 1, TaskMonitor.NONE);
            DiffMerge merged = compared.merged();
            ComparisonState comparison = new ComparisonState();
            comparison.set(compared.marks());
            ExportSelection selection = new ExportSelection();
            LayerNode tensor = doc.tree().find(n -> n.tensor().isPresent() && n.tensor().get().rank() == 2)
                    .orElseThrow(() -> new IOException("the sample has no matrix"));
            selection.toggle(tensor);
            List<TensorInsights.Prepared> insights = List.of(
                    new TensorInsights(null, t -> java.util.Optional.empty()).prepareAll(tensor.tensor().get()),
                    new TensorInsights(null, comparison).prepareAll(tensor.tensor().get()));
            return new Prepared(doc, merged.result(), comparison, selection, tensor.parent().orElseThrow(), tensor,
                    LayerTreeTable.prepare(doc.tree(), FilteredTree.of(doc.tree(), LayerFilter.NONE)),
                    LayerTreeTable.prepare(merged.tree(), FilteredTree.of(merged.tree(), LayerFilter.NONE)),
                    insights);
        } catch (Exception | LinkageError e) {
            if (doc != null) {
                doc.close();
            }
            return null;
        }
    }

    /** The steps that build each view; each runs on the FX thread. */
    static List<Supplier<Node>> views(Prepared p) {
        List<Supplier<Node>> views = new ArrayList<>();
        views.add(() -> {
            LayerTreeTable tree = new LayerTreeTable(p.selection());
            tree.show(p.rows());
            return tree.view();
        });
        views.add(() -> {
            LayerTreeTable marked = new LayerTreeTable(p.selection());
            marked.setDiffStatus(p.comparison()::status);
            marked.show(p.markedRows());
            marked.expandAll(true);
            return marked.view();
        });
        for (LayerNode n : List.of(p.doc().tree(), p.module(), p.tensor())) {
            views.add(() -> {
                DetailPane detail = new DetailPane((tabs, overview, t, d) -> { }, x -> { });
                detail.show(n, p.doc());
                return detail.view();
            });
        }
        for (TensorInsights.Prepared i : p.insights()) {
            views.add(() -> new VBox(new TensorInsights(null, t -> java.util.Optional.empty()).viewsOf(i)
                    .toArray(Node[]::new)));
        }
        views.add(() -> {
            DiffPanel diffPanel = new DiffPanel(() -> { });
            diffPanel.show(p.diff(), p.comparison().counts(), "a", "b");
            return diffPanel.view();
        });
        views.add(() -> new ExportBasket(p.selection(), p.doc()::tree, () -> { }).view());
        views.add(() -> {
            FilterBar filter = new FilterBar();
            // The window listens to the filter, so a new file's filter is compared with the last (record equality).
            filter.filterProperty().addListener((obs, was, now) -> { });
            EnumSet<DType> dtypes = EnumSet.noneOf(DType.class);
            p.doc().checkpoint().tensors().forEach(t -> dtypes.add(t.dtype()));
            filter.setDTypes(dtypes);
            filter.setText("mlp", false);
            return filter.view();
        });
        views.add(() -> {
            FxThread.check();
            return new TextArea("warm-up");
        });
        return views;
    }

    /** Placeholder rows the hidden tree makes per frame before the first file opens. */
    private static final int PRIMED_ROWS_PER_FRAME = 6;

    /**
     * Puts the work area, hidden, under the start screen in {@code center}, and in the frames after gives its tree
     * placeholder rows, a few a frame, so that the controls, cells and styles the first file needs exist before
     * it opens; then runs {@code then}. Does nothing more once a file is open.
     */
    static void primeWorkArea(Scene scene, StackPane center, SplitPane workArea, LayerTreeTable tree,
            BooleanSupplier fileOpen, Runnable then) {
        if (fileOpen.getAsBoolean() || center.getChildren().contains(workArea)) {
            then.run();
            return;
        }
        workArea.setVisible(false);
        center.getChildren().add(0, workArea);
        NextFrame.run(scene, () -> primeTree(scene, tree, fileOpen, then));
    }

    private static void primeTree(Scene scene, LayerTreeTable tree, BooleanSupplier fileOpen, Runnable then) {
        if (!fileOpen.getAsBoolean() && tree.prime(PRIMED_ROWS_PER_FRAME)) {
            NextFrame.run(scene, () -> primeTree(scene, tree, fileOpen, then));
        } else {
            NextFrame.run(scene, then);
        }
    }
}
