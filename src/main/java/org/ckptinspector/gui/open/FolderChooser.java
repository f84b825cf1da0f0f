package org.ckptinspector.gui.open;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;

/**
 * File › Open Folder…: picks a checkpoint folder (HF model, PEFT adapter, Trainer checkpoint-N, DCP), which then
 * opens like a file.
 */
public final class FolderChooser {
    private FolderChooser() {}

    /** @param near a recently opened file or folder whose parent the dialog starts in, or null */
    public static Optional<Path> choose(Window owner, Path near) {
        DirectoryChooser c = new DirectoryChooser();
        c.setTitle("Open checkpoint folder");
        Path start = near == null ? null : near.toAbsolutePath().getParent();
        if (start != null && Files.isDirectory(start)) {
            c.setInitialDirectory(start.toFile());
        }
        File f = c.showDialog(owner);
        return Optional.ofNullable(f).map(File::toPath);
    }
}
