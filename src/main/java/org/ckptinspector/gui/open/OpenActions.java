package org.ckptinspector.gui.open;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javafx.stage.Stage;
import org.ckptinspector.app.OpenRequest;
import org.ckptinspector.app.OpenedCheckpoint;
import org.ckptinspector.app.WindowModel;

/** What the window opens: the paths a user names (one checkpoint, two to compare, a run), the sample, the dialogs. */
public final class OpenActions {
    private final Stage stage;
    private final WindowModel<?> model;
    private final RecentFiles recent;
    private final Consumer<List<Path>> openRun;
    private final BiConsumer<String, Throwable> showError;

    public OpenActions(Stage stage, WindowModel<?> model, RecentFiles recent, Consumer<List<Path>> openRun,
            BiConsumer<String, Throwable> showError) {
        this.stage = stage;
        this.model = model;
        this.recent = recent;
        this.openRun = openRun;
        this.showError = showError;
    }

    /** Opens what the user named ({@link OpenRequest}): one checkpoint, two to compare, or a run's Timeline. */
    public void open(List<Path> paths) {
        OpenRequest request;
        try {
            request = OpenRequest.of(paths);
        } catch (IOException | RuntimeException e) {
            showError.accept("Cannot open " + paths.get(0).getFileName(), e);
            return;
        }
        if (request instanceof OpenRequest.Run run) {
            openRun.accept(run.files());
        } else if (request instanceof OpenRequest.Pair pair) {
            model.openFiles(pair.a(), pair.b());
        } else {
            model.openFile(((OpenRequest.One) request).file());
        }
    }

    public void openSample() {
        try {
            open(List.of(SampleCheckpoint.file()));
        } catch (IOException e) {
            showError.accept("Cannot open the sample", e);
        }
    }

    public void showOpenDialog() {
        List<Path> files = CheckpointChooser.chooseMany(stage, "Open checkpoints", nearFile());
        if (!files.isEmpty()) {
            open(files);
        }
    }

    public void showOpenFolderDialog() {
        FolderChooser.choose(stage, nearFile()).ifPresent(dir -> open(List.of(dir)));
    }

    public void showCompareDialog() {
        CheckpointChooser.choose(stage, "Compare with checkpoint", nearFile()).ifPresent(model::compareWith);
    }

    private Path nearFile() {
        OpenedCheckpoint doc = model.primary();
        return doc != null ? doc.file() : recent.files().isEmpty() ? null : recent.files().get(0);
    }
}
