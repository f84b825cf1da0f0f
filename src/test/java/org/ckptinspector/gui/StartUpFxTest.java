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
    void aFileDroppedOnTheStartScreenBeforeTheWorkAreaIsMadeOpens(FxRobot robot) throws Exception {
        assertFalse(window.hasWorkArea(), "a new window makes its work area only after its first frame");
        dropFiles(robot, robot.lookup("#startScreen").query(), List.of(SampleCheckpoint.file().toFile()));
        waitFor(() -> window.workspace().primary() != null && idle());
        assertEquals(SampleCheckpoint.file(), window.workspace().primary().file());
        assertTrue(robot.lookup(".work-area").tryQuery().map(javafx.scene.Node::isVisible).orElse(false));
    }
}
