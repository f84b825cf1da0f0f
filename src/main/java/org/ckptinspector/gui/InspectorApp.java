package org.ckptinspector.gui;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.ckptinspector.app.WindowModel;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.open.StartSketch;
import org.ckptinspector.gui.task.Background;
import org.ckptinspector.gui.task.NextFrame;

/** The JavaFX application: one main window, opening the files named on the command line. */
public final class InspectorApp extends Application {
    /** How long the FX thread stays idle after the sketch is drawn, for the window system to show it. */
    private static final long SCREEN_FLUSH_MS = 40;
    private Background background;

    @Override
    public void start(Stage stage) {
        background = new Background();
        sketchFirst(stage, background, RecentFiles.forUser(), getParameters().getRaw().stream().map(Path::of).toList(),
                window -> { });
    }

    /**
     * Shows {@code stage} with a sketch of the start screen, then, once that frame is drawn, makes the main window
     * (given to {@code made}) with the real start screen and opens {@code files}, any files dropped on the sketch
     * or clicked in its recent list, and does what a click on its buttons asked for.
     */
    static void sketchFirst(Stage stage, Background background, RecentFiles recent, List<Path> files,
            Consumer<MainWindow> made) {
        // The first frame is a sketch of the start screen without controls or style sheets (JavaFX's own is
        // parsed when the first control class loads); the main window, with the real start screen, is made
        // once that frame is drawn and takes its place.
        List<Path> open = new ArrayList<>(files);
        List<StartSketch.Click> clicks = new ArrayList<>();
        stage.setTitle(WindowModel.APP);
        place(stage);
        StartSketch sketch = new StartSketch(List.copyOf(recent.files()), open::addAll, clicks::add);
        Scene first = new Scene(sketch.view());
        stage.setScene(first);
        stage.show();
        // Made once the sketch has been drawn (a frame that changes a pixel waits for that drawing) and the FX
        // thread, which is also the window system's event loop, has been idle for a moment, so that the drawn
        // pixels reach the screen: made while, its seconds of class loading kept the sketch off the screen.
        NextFrame.run(first, () -> {
            sketch.touch();
            NextFrame.run(first, () -> CompletableFuture.delayedExecutor(SCREEN_FLUSH_MS, TimeUnit.MILLISECONDS)
                    .execute(() -> Platform.runLater(() -> {
                        MainWindow window = new MainWindow(stage, background, recent);
                        show(window, stage, List.copyOf(open));
                        // A click on the sketch's buttons (the first; more were impatience) is done now.
                        clicks.stream().findFirst().ifPresent(click -> NextFrame.run(window.scene(), () -> {
                            switch (click) {
                                case OPEN -> window.opens().showOpenDialog();
                                case SAMPLE -> window.opens().openSample();
                            }
                        }));
                        made.accept(window);
                    })));
        });
    }

    /**
     * Shows {@code window} on {@code stage} with its start screen, then, after the first frame, makes its work
     * area and opens {@code files} (one checkpoint, two to compare, or a run).
     */
    static void show(MainWindow window, Stage stage, List<Path> files) {
        if (!stage.isShowing()) {
            place(stage);
            stage.show();
        }
        stage.getIcons().addAll(appIcons());
        window.warmUp();
        if (!files.isEmpty()) {
            NextFrame.run(window.scene(), () -> window.openPaths(files));
        }
    }

    /** Sizes and places the window within the screen's visual bounds. */
    private static void place(Stage stage) {
        stage.setMinWidth(720);
        stage.setMinHeight(480);
        Rectangle2D bounds = WindowPlacement.within(Screen.getPrimary().getVisualBounds());
        stage.setX(bounds.getMinX());
        stage.setY(bounds.getMinY());
        stage.setWidth(bounds.getWidth());
        stage.setHeight(bounds.getHeight());
    }

    @Override
    public void stop() {
        if (background != null) {
            background.shutdown();
        }
    }

    /** The window icons from assets/icons, which the build copies into the jar; none if absent. */
    static List<Image> appIcons() {
        List<Image> icons = new ArrayList<>();
        for (int size : new int[] {16, 24, 32, 48, 64, 128, 256}) {
            URL url = InspectorApp.class.getResource("app-icons/checkpoint-inspector-" + size + ".png");
            if (url != null) {
                icons.add(new Image(url.toExternalForm()));
            }
        }
        return icons;
    }
}
