package org.ckptinspector.gui.open;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;

/**
 * Lets files and folders be dropped onto a node; what they open as (one file, a comparison, a run) is for the
 * receiver to decide. While a drag with files hovers, the node gets the {@code drop-target} style class.
 */
public final class FileDrops {
    private FileDrops() {}

    /** @param open receives the dropped files, in the order given */
    public static void install(Node target, Consumer<List<Path>> open) {
        target.addEventHandler(DragEvent.DRAG_OVER, e -> {
            if (hasFiles(e.getDragboard()) && e.getGestureSource() == null) {
                e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
                if (!target.getStyleClass().contains("drop-target")) {
                    target.getStyleClass().add("drop-target");
                }
                e.consume();
            }
        });
        target.addEventHandler(DragEvent.DRAG_EXITED, e -> target.getStyleClass().remove("drop-target"));
        target.addEventHandler(DragEvent.DRAG_DROPPED, e -> {
            target.getStyleClass().remove("drop-target");
            Dragboard db = e.getDragboard();
            // rows dragged out of the app's own tree carry a file too, which is for other applications
            if (!hasFiles(db) || e.getGestureSource() != null) {
                return;
            }
            List<File> files = db.getFiles();
            open.accept(files.stream().map(File::toPath).toList());
            e.setDropCompleted(true);
            e.consume();
        });
    }

    private static boolean hasFiles(Dragboard db) {
        return db.hasFiles() && !db.getFiles().isEmpty();
    }
}
