package org.ckptinspector.gui.open;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** The file chooser for checkpoints, starting in the open file's folder or the last one opened. */
public final class CheckpointChooser {
    private CheckpointChooser() {}

    /** Asks for a checkpoint; {@code near} (may be null) is a file whose folder to start in. */
    public static Optional<Path> choose(Window owner, String title, Path near) {
        return Optional.ofNullable(chooser(title, near).showOpenDialog(owner)).map(File::toPath);
    }

    /** Asks for one or more checkpoints (several open as a run's Timeline); empty when cancelled. */
    public static List<Path> chooseMany(Window owner, String title, Path near) {
        List<File> files = chooser(title, near).showOpenMultipleDialog(owner);
        return files == null ? List.of() : files.stream().map(File::toPath).toList();
    }

    private static FileChooser chooser(String title, Path near) {
        FileChooser c = new FileChooser();
        c.setTitle(title);
        c.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Checkpoints", "*.pt", "*.pth", "*.ckpt", "*.bin",
                        "*.safetensors", "*.json", "*.pkl", "*.tar"),
                new FileChooser.ExtensionFilter("All files", "*"));
        Path dir = near == null ? null : near.toAbsolutePath().getParent();
        if (dir != null && dir.toFile().isDirectory()) {
            c.setInitialDirectory(dir.toFile());
        }
        return c;
    }
}
