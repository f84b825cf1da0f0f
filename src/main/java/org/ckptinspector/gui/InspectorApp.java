package org.ckptinspector.gui;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Application;
import javafx.geometry.Rectangle2D;
import javafx.scene.image.Image;
import javafx.stage.Screen;
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
        Rectangle2D bounds = WindowPlacement.within(Screen.getPrimary().getVisualBounds());
        stage.setX(bounds.getMinX());
        stage.setY(bounds.getMinY());
        stage.setWidth(bounds.getWidth());
        stage.setHeight(bounds.getHeight());
        stage.show();
        window.warmUp();
        List<String> files = getParameters().getRaw();
        if (!files.isEmpty()) {
            window.openPaths(files.stream().map(Path::of).toList());
        }
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
