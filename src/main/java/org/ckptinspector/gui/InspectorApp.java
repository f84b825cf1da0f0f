package org.ckptinspector.gui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Application;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.task.Background;

/** The JavaFX application: one main window, opening the files named on the command line. */
public final class InspectorApp extends Application {
    private Background background;

    @Override
    public void start(Stage stage) {
        background = new Background();
        MainWindow window = new MainWindow(stage, background, RecentFiles.forUser());
        stage.getIcons().addAll(appIcons());
        stage.setMinWidth(720);
        stage.setMinHeight(480);
        stage.show();
        List<String> files = getParameters().getRaw();
        if (!files.isEmpty()) {
            window.openFiles(Path.of(files.get(0)), files.size() > 1 ? Path.of(files.get(1)) : null);
        }
    }

    @Override
    public void stop() {
        if (background != null) {
            background.shutdown();
        }
    }

    /** The icons the packaging step leaves in assets/icons, when the app runs from the project folder. */
    static List<Image> appIcons() {
        Path dir = Path.of("assets", "icons");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".png")).sorted()
                    .map(p -> new Image(p.toUri().toString())).filter(i -> !i.isError()).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
