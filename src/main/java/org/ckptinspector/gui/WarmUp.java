package org.ckptinspector.gui;

import java.util.stream.IntStream;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.VBox;
import org.ckptinspector.gui.detail.DetailPane;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.gui.open.OpenedCheckpoint;
import org.ckptinspector.gui.open.SampleCheckpoint;
import org.ckptinspector.gui.tree.FilteredTree;
import org.ckptinspector.gui.tree.LayerFilter;
import org.ckptinspector.gui.tree.LayerNode;
import org.ckptinspector.gui.tree.LayerTreeTable;
import org.ckptinspector.task.TaskMonitor;

/**
 * Builds the app's heavier views once, off screen and off the FX thread, while the start screen shows: the
 * first tree, value table and detail pane otherwise cost the FX thread several hundred milliseconds of class
 * loading, CSS and not-yet-compiled code, which the user sees as a frozen window. JavaFX allows building and
 * styling a scene graph on any thread while it is not in a showing window. Best effort: failures are ignored.
 */
final class WarmUp {
    private WarmUp() {}

    static void start(String stylesheet) {
        Thread t = new Thread(() -> run(stylesheet), "view-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Returns whether everything could be built; a failure is not an error, only a missed optimisation. */
    static boolean run(String stylesheet) {
        OpenedCheckpoint doc = null;
        try {
            doc = OpenedCheckpoint.open(SampleCheckpoint.file(), TaskMonitor.NONE);
            LayerTreeTable tree = new LayerTreeTable(new ExportSelection());
            tree.setTree(doc.tree(), FilteredTree.of(doc.tree(), LayerFilter.NONE));
            DetailPane detail = new DetailPane((tabs, overview, t, d) -> { }, n -> { });
            LayerNode tensor = doc.tree().find(n -> n.tensor().isPresent() && n.tensor().get().rank() == 2)
                    .orElse(doc.tree());
            detail.show(doc.tree(), doc);
            detail.show(tensor, doc);
            VBox root = new VBox(tree.view(), detail.view(), table());
            Scene scene = new Scene(root, 1200, 800);
            scene.getStylesheets().add(stylesheet);
            for (int i = 0; i < 3; i++) {
                root.applyCss();
                root.layout();
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

    /** A table shaped like the Values tab's: two dozen columns of numbers. */
    private static TableView<Integer> table() {
        TableView<Integer> table = new TableView<>();
        for (int j = 0; j < 24; j++) {
            TableColumn<Integer, String> c = new TableColumn<>(Integer.toString(j));
            c.setCellValueFactory(v -> new ReadOnlyStringWrapper(Integer.toString(v.getValue())));
            table.getColumns().add(c);
        }
        table.setItems(FXCollections.observableArrayList(IntStream.range(0, 40).boxed().toList()));
        return table;
    }
}
