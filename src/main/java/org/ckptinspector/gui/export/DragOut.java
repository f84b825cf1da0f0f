package org.ckptinspector.gui.export;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.prefs.Preferences;
import javafx.scene.control.Menu;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ToggleGroup;
import org.ckptinspector.app.DragExtraction;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.task.TaskMonitor;

/**
 * Tree rows dragged onto the desktop or a file manager become a checkpoint file there: a drag carries, beside
 * the tensor keys the basket takes, a file written and verified like any export, in the format the user
 * prefers ({@link #formatMenu()}). A small selection is written before the drag starts; a large one in the
 * background with progress, its file appearing once whole, so a drop can never copy half a file.
 */
public final class DragOut {
    /** Above this many tensor bytes the file is written in the background rather than before the drag. */
    static final long WRITE_BEFORE_DRAG_BYTES = 16L << 20;
    private static final String FORMAT_KEY = "dragOut.format";

    private final Background background;
    private final Supplier<Checkpoint> source;
    private final Preferences prefs;
    private final BiConsumer<String, Throwable> onError;
    private Path dir;

    /** @param source the open checkpoint, or null */
    public DragOut(Background background, Supplier<Checkpoint> source, Preferences prefs,
            BiConsumer<String, Throwable> onError) {
        this.background = background;
        this.source = source;
        this.prefs = prefs;
        this.onError = onError;
    }

    /** The format dragged rows are written in. */
    public String format() {
        String id = prefs.get(FORMAT_KEY, "pth");
        return DragExtraction.formatIds().contains(id) ? id : "pth";
    }

    /** Sets the format by its id ({@code pth}, {@code safetensors}). */
    public void setFormat(String formatId) {
        prefs.put(FORMAT_KEY, formatId);
    }

    /** "Dragged Rows Become" with a choice per format, kept in the preferences. */
    public Menu formatMenu() {
        Menu menu = new Menu("Dragged Rows Become");
        ToggleGroup group = new ToggleGroup();
        for (String f : DragExtraction.formatIds()) {
            RadioMenuItem item = new RadioMenuItem("." + f + " file");
            item.setToggleGroup(group);
            item.setSelected(f.equals(format()));
            item.setOnAction(e -> setFormat(f));
            menu.getItems().add(item);
        }
        return menu;
    }

    /**
     * The file a drag of {@code nodes} carries (none when they hold no tensor or the write fails), in a fresh
     * temporary folder so the name is the module's own.
     */
    public List<File> files(List<LayerNode> nodes) {
        Checkpoint c = source.get();
        Optional<DragExtraction> x = c == null ? Optional.empty() : DragExtraction.of(c, nodes, format());
        if (x.isEmpty()) {
            return List.of();
        }
        DragExtraction extraction = x.get();
        Path folder;
        try {
            folder = Files.createTempDirectory(tempRoot(), "drag-");
        } catch (IOException e) {
            onError.accept("Cannot prepare the dragged file", e);
            return List.of();
        }
        folder.toFile().deleteOnExit();
        File file = folder.resolve(extraction.fileName()).toFile();
        file.deleteOnExit();
        if (extraction.tensorBytes() <= WRITE_BEFORE_DRAG_BYTES) {
            try {
                extraction.write(folder, 1, TaskMonitor.NONE);
            } catch (IOException | RuntimeException e) {
                onError.accept("Cannot write " + extraction.fileName(), e);
                return List.of();
            }
        } else {
            background.run("Writing " + extraction.fileName() + " for the drop",
                    m -> {
                        extraction.write(folder, TaskRunner.analysisThreads(), m);
                        return extraction.fileName();
                    }, name -> { },
                    e -> onError.accept("Cannot write " + extraction.fileName(), e), () -> { });
        }
        return List.of(file);
    }

    private Path tempRoot() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("ckptinspector-drag");
            dir.toFile().deleteOnExit();
        }
        return dir;
    }
}
