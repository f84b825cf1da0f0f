package org.ckptinspector.gui;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TextArea;
import javafx.scene.layout.VBox;
import org.ckptinspector.diff.CheckpointDiff;
import org.ckptinspector.diff.DiffOptions;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.detail.TensorInsights;
import org.ckptinspector.gui.diff.ComparisonState;
import org.ckptinspector.gui.diff.DiffMerge;
import org.ckptinspector.gui.diff.DiffPanel;
import org.ckptinspector.gui.export.ExportBasket;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.open.OpenedCheckpoint;
import org.ckptinspector.gui.open.SampleCheckpoint;
import org.ckptinspector.gui.tree.FilterBar;
import org.ckptinspector.gui.tree.FilteredTree;
import org.ckptinspector.gui.tree.LayerFilter;
import org.ckptinspector.gui.tree.LayerNode;
import org.ckptinspector.gui.tree.LayerTreeTable;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.task.TaskMonitor;

/**
 * Runs the app's views once on the bundled sample, off screen and off the FX thread, while the start screen
 * shows: the layer tree (plain, ticked for export, and marked by a comparison), the detail pane of the file,
 * a module and a tensor, that tensor's statistics with the histogram chart drawn, its values and heat map, the
 * comparison panel, the export basket and the filter bar. Their first use otherwise costs the FX thread several hundred
 * milliseconds of class loading, CSS, font set-up and not-yet-compiled code, which the user sees as a frozen
 * window. JavaFX allows building, styling and laying out nodes on any thread while they are not in a showing
 * window. A few rounds, so that the JIT has compiled the hottest of that code. Best effort: failures are
 * ignored.
 */
final class WarmUp {
    private static final int ROUNDS = 3;

    private WarmUp() {}

    /**
     * Starts warming up in the background; rounds after the first run only while {@code idle} says the app has
     * nothing else to do, so that the warm-up does not take the CPU from work the user waits for. Then runs
     * {@code then} on the warm-up thread.
     */
    static void start(String stylesheet, BooleanSupplier idle, Runnable then) {
        Thread t = new Thread(() -> {
            run(stylesheet, idle);
            then.run();
        }, "view-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Returns whether everything could be built; a failure is not an error, only a missed optimisation. */
    static boolean run(String stylesheet, BooleanSupplier idle) {
        OpenedCheckpoint doc = null;
        try {
            doc = OpenedCheckpoint.open(SampleCheckpoint.file(), TaskMonitor.NONE);
            for (int i = 0; i < ROUNDS && (i == 0 || idle.getAsBoolean()); i++) {
                VBox root = new VBox(views(doc).toArray(Node[]::new));
                Scene scene = new Scene(root, 1400, 900);
                scene.getStylesheets().add(stylesheet);
                for (int pass = 0; pass < 2; pass++) {
                    root.applyCss();
                    root.layout();
                }
            }
            return true;
        } catch (Exception | LinkageError e) {
            return false;
        } finally {
            if (doc != null) {
                doc.close();
            }
        }
    }

    private static List<Node> views(OpenedCheckpoint doc) throws IOException {
        Checkpoint c = doc.checkpoint();
        DiffOptions options = DiffOptions.defaults();
        DiffResult diff = CheckpointDiff.compare(c, c, options, TaskMonitor.NONE);
        DiffMerge merged = DiffMerge.of(c, c, diff, options);
        ComparisonState comparison = new ComparisonState();
        comparison.set(ComparisonState.Marks.of(merged));

        ExportSelection selection = new ExportSelection();
        LayerNode tensor = doc.tree().find(n -> n.tensor().isPresent() && n.tensor().get().rank() == 2)
                .orElseThrow(() -> new IOException("the sample has no matrix"));
        LayerNode module = tensor.parent().orElseThrow();
        selection.toggle(tensor);

        LayerTreeTable tree = new LayerTreeTable(selection);
        tree.show(LayerTreeTable.prepare(doc.tree(), FilteredTree.of(doc.tree(), LayerFilter.NONE)));
        LayerTreeTable marked = new LayerTreeTable(selection);
        marked.setDiffStatus(comparison::status);
        marked.show(LayerTreeTable.prepare(merged.tree(), FilteredTree.of(merged.tree(), LayerFilter.NONE)));
        marked.expandAll(true);

        List<Node> views = new ArrayList<>(List.of(tree.view(), marked.view()));
        for (LayerNode n : List.of(doc.tree(), module, tensor)) {
            DetailPane detail = new DetailPane((tabs, overview, t, d) -> { }, x -> { });
            detail.show(n, doc);
            views.add(detail.view());
        }
        views.addAll(new TensorInsights(null, t -> java.util.Optional.empty()).buildAllNow(tensor.tensor().get()));
        views.addAll(new TensorInsights(null, comparison).buildAllNow(tensor.tensor().get()));
        DiffPanel diffPanel = new DiffPanel(() -> { });
        diffPanel.show(diff, comparison.counts(), "a", "b");
        views.add(diffPanel.view());
        views.add(new ExportBasket(selection, doc::tree, () -> { }).view());
        FilterBar filter = new FilterBar();
        // The window listens to the filter, so a new file's filter is compared with the last (record equality).
        filter.filterProperty().addListener((obs, was, now) -> { });
        EnumSet<DType> dtypes = EnumSet.noneOf(DType.class);
        c.tensors().forEach(t -> dtypes.add(t.dtype()));
        filter.setDTypes(dtypes);
        filter.setText("mlp", false);
        views.add(filter.view());
        views.add(new TextArea("warm-up"));
        return views;
    }
}
