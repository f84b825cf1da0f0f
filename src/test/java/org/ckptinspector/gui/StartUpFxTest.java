package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;
import javafx.stage.Stage;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.open.SampleCheckpoint;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The window shows its start screen before the work area (tree, detail pane, basket, …) is made, and what is
 * opened before or while it is made still opens: a file on the command line, a file dropped on the start screen.
 */
class StartUpFxTest extends FxAppTestSupport {

    @Test
    void theFirstFrameHasNoWorkAreaAndAFileArgumentStillOpens(FxRobot robot) throws Exception {
        Path sample = SampleCheckpoint.file();
        List<Boolean> workAreaAtShownAndFirstFrame = new ArrayList<>();
        Stage[] launched = new Stage[1];
        Preferences prefs = Preferences.userRoot().node("ckptinspector-test-startup");
        try {
            robot.interact(() -> {
                window.workspace().closeAll();
                launched[0] = new Stage();
                MainWindow w = new MainWindow(launched[0], window.background(), new RecentFiles(prefs));
                launched[0].setOnShown(e -> workAreaAtShownAndFirstFrame.add(w.hasWorkArea()));
                Runnable[] firstFrame = new Runnable[1];
                firstFrame[0] = () -> {
                    workAreaAtShownAndFirstFrame.add(w.hasWorkArea());
                    javafx.application.Platform.runLater(
                            () -> w.scene().removePostLayoutPulseListener(firstFrame[0]));
                };
                w.scene().addPostLayoutPulseListener(firstFrame[0]);
                InspectorApp.show(w, launched[0], List.of(sample));
                window = w;
            });
            waitFor(() -> window.hasWorkArea() && window.workspace().primary() != null && idle());
            assertEquals(false, workAreaAtShownAndFirstFrame.get(0), "work area made before the stage showed");
            assertEquals(false, workAreaAtShownAndFirstFrame.get(1), "work area made in the first frame");
            assertEquals(sample, window.workspace().primary().file());
            assertTrue(window.tree().view().getRoot() != null, "the file's tree shows");
        } finally {
            robot.interact(() -> {
                window.workspace().closeAll();
                launched[0].close();
            });
            prefs.removeNode();
        }
    }

    @Test
    void theFirstFrameIsASketchWithoutControlsAndAFileDroppedOnItOpens(FxRobot robot) throws Exception {
        Path sample = SampleCheckpoint.file();
        Stage[] launched = new Stage[1];
        MainWindow[] made = new MainWindow[1];
        List<Boolean> sketchHasControls = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<javafx.scene.image.WritableImage> sketch =
                new java.util.concurrent.atomic.AtomicReference<>();
        Preferences prefs = Preferences.userRoot().node("ckptinspector-test-sketch");
        try {
            robot.interact(() -> {
                window.workspace().closeAll();
                launched[0] = new Stage();
                InspectorApp.sketchFirst(launched[0], window.background(), new RecentFiles(prefs), List.of(),
                        w -> made[0] = w);
                javafx.scene.Parent root = launched[0].getScene().getRoot();
                sketchHasControls.add(hasControl(root));
                sketch.set(launched[0].getScene().snapshot(null));
                // Dropped in the same event, before the sketch's frame: the main window does not exist yet.
                javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
                content.putFiles(List.of(sample.toFile()));
                javafx.scene.input.Dragboard db = TestDragboards.holding(content);
                for (var type : List.of(javafx.scene.input.DragEvent.DRAG_OVER,
                        javafx.scene.input.DragEvent.DRAG_DROPPED)) {
                    root.fireEvent(new javafx.scene.input.DragEvent(null, root, type, db, 100, 100, 100, 100,
                            javafx.scene.input.TransferMode.COPY, null, null, null));
                }
            });
            assertEquals(List.of(false), sketchHasControls, "the sketch has no controls");
            saveImage(sketch.get(), "start-sketch");
            waitFor(() -> made[0] != null && made[0].hasWorkArea() && made[0].workspace().primary() != null
                    && idle());
            window = made[0];
            assertEquals(sample, window.workspace().primary().file());
            assertTrue(window.tree().view().getRoot() != null, "the dropped file's tree shows");
        } finally {
            close(robot, made[0], launched[0], prefs);
        }
    }

    @Test
    void clicksOnTheSketchBeforeTheMainWindowExistsAreDoneOnceItDoes(FxRobot robot) throws Exception {
        Path sample = SampleCheckpoint.file();
        for (String clicked : List.of("Open sample checkpoint", sample.getFileName().toString())) {
            Stage[] launched = new Stage[1];
            MainWindow[] made = new MainWindow[1];
            Preferences prefs = Preferences.userRoot().node("ckptinspector-test-sketch-click");
            RecentFiles recent = new RecentFiles(prefs);
            recent.add(sample);
            try {
                robot.interact(() -> {
                    window.workspace().closeAll();
                    launched[0] = new Stage();
                    InspectorApp.sketchFirst(launched[0], window.background(), recent, List.of(), w -> made[0] = w);
                    // Clicked in the same event as the sketch is shown: the main window does not exist yet.
                    javafx.scene.Node target = textNode(launched[0].getScene().getRoot(), clicked).getParent();
                    target.fireEvent(new javafx.scene.input.MouseEvent(javafx.scene.input.MouseEvent.MOUSE_CLICKED,
                            10, 10, 10, 10, javafx.scene.input.MouseButton.PRIMARY, 1, false, false, false, false,
                            true, false, false, true, false, true, null));
                    assertTrue(made[0] == null, "the click came before the main window");
                });
                waitFor(() -> made[0] != null && made[0].hasWorkArea() && made[0].workspace().primary() != null
                        && idle());
                window = made[0];
                assertEquals(sample, window.workspace().primary().file(), "clicked: " + clicked);
            } finally {
                close(robot, made[0], launched[0], prefs);
            }
        }
    }

    /** Closes what a test launched from a sketch: the main window's files, the stage, the preferences used. */
    private static void close(FxRobot robot, MainWindow made, Stage launched, Preferences prefs) throws Exception {
        robot.interact(() -> {
            if (made != null) {
                made.workspace().closeAll();
            }
            launched.close();
        });
        prefs.removeNode();
    }

    /** The sketch's text node that shows {@code text} (its text starts with it). */
    private static javafx.scene.text.Text textNode(javafx.scene.Node n, String text) {
        if (n instanceof javafx.scene.text.Text t && t.getText().startsWith(text)) {
            return t;
        }
        if (n instanceof javafx.scene.Parent p) {
            for (javafx.scene.Node c : p.getChildrenUnmodifiable()) {
                javafx.scene.text.Text found = textNode(c, text);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static boolean hasControl(javafx.scene.Node n) {
        if (n instanceof javafx.scene.control.Control) {
            return true;
        }
        return n instanceof javafx.scene.Parent p && p.getChildrenUnmodifiable().stream()
                .anyMatch(StartUpFxTest::hasControl);
    }

    private static void saveImage(javafx.scene.image.WritableImage img, String name) throws Exception {
        java.nio.file.Files.createDirectories(SCREENSHOTS);
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img, null), "png",
                SCREENSHOTS.resolve(name + ".png").toFile());
    }

    @Test
    void aFileDroppedOnTheStartScreenBeforeTheWorkAreaIsMadeOpens(FxRobot robot) throws Exception {
        assertFalse(window.hasWorkArea(), "a new window makes its work area only after its first frame");
        dropFiles(robot, robot.lookup("#startScreen").query(), List.of(SampleCheckpoint.file().toFile()));
        waitFor(() -> window.workspace().primary() != null && idle());
        assertEquals(SampleCheckpoint.file(), window.workspace().primary().file());
        assertTrue(robot.lookup(".work-area").tryQuery().map(javafx.scene.Node::isVisible).orElse(false));
    }
}
