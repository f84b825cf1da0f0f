package org.ckptinspector.gui.timeline;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import javafx.stage.Stage;
import org.ckptinspector.app.RunTimeline;
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.gui.task.Background;

/**
 * Reads a run in the background, with progress and cancel in the main window's status bar like the other long
 * tasks, then shows its Timeline window.
 */
public final class TimelineLauncher {
    private final Stage owner;
    private final Background background;
    private final BiConsumer<Path, Path> compare;
    private final BiConsumer<String, Throwable> onError;
    private TimelineWindow shown;

    /**
     * @param compare opens two files as a comparison in the main window
     * @param onError shows a failure under a title
     */
    public TimelineLauncher(Stage owner, Background background, BiConsumer<Path, Path> compare,
            BiConsumer<String, Throwable> onError) {
        this.owner = owner;
        this.background = background;
        this.compare = compare;
        this.onError = onError;
    }

    /** Computes the trajectory of {@code files} and shows it. */
    public void open(List<Path> files) {
        String name = name(files);
        background.run("Trajectory of " + files.size() + " checkpoints in " + name,
                m -> RunTimeline.compute(files, TaskRunner.analysisThreads(), m), run -> {
                    TimelineWindow w = new TimelineWindow(owner, owner.getScene().getStylesheets(), name, run,
                            (a, b) -> {
                                compare.accept(a, b);
                                owner.toFront();
                            });
                    w.stage().setWidth(owner.getWidth());
                    w.stage().setHeight(owner.getHeight());
                    w.stage().show();
                    shown = w;
                }, error -> onError.accept("Cannot read the run", error), () -> { });
    }

    /** The Timeline shown last, or null. */
    public TimelineWindow shown() {
        return shown;
    }

    /** The folder of the run's files when they share one, else the first file's name. */
    private static String name(List<Path> files) {
        Path parent = files.get(0).toAbsolutePath().getParent();
        boolean shared = parent != null && files.stream().allMatch(f -> parent.equals(f.toAbsolutePath().getParent()));
        return shared && parent.getFileName() != null ? parent.getFileName() + "/"
                : String.valueOf(files.get(0).getFileName()) + " …";
    }
}
