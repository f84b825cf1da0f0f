package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.control.TreeItem;
import javafx.scene.image.WritableImage;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.gui.open.RecentFiles;
import org.ckptinspector.gui.task.Background;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Starts the real main window on a headless (Monocle) stage for each test, with its own preferences node, and
 * helps tests wait for background work, find tree rows, simulate file drops and save screenshots.
 */
@ExtendWith(ApplicationExtension.class)
abstract class FxAppTestSupport {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    MainWindow window;
    Stage stage;
    private Preferences prefs;

    /** TestFX looks for {@code @Start} only in the test class itself, so the window is built here. */
    @BeforeEach
    void startWindow() throws TimeoutException {
        prefs = Preferences.userRoot().node("ckptinspector-test-" + UUID.randomUUID());
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(s -> {
            Background background = new Background();
            window = new MainWindow(s, background, new RecentFiles(prefs));
            s.setWidth(1280);
            s.setHeight(800);
            s.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void cleanUp() throws BackingStoreException {
        FxRobot robot = new FxRobot();
        robot.interact(() -> window.workspace().closeAll());
        window.background().shutdown();
        prefs.removeNode();
    }

    /** Opens a file as the user would (in the background) and waits until its tree shows. */
    void open(FxRobot robot, Path file) {
        robot.interact(() -> window.openFile(file));
        waitFor(() -> window.workspace().primary() != null
                && window.workspace().primary().file().equals(file) && idle());
    }

    boolean idle() {
        return window.background().runningCount() == 0;
    }

    static void waitFor(BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, condition::getAsBoolean);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for the app", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The tree row whose node has this full key (the root for ""), searching all rows, expanded or not. */
    TreeItem<LayerNode> row(String key) {
        TreeItem<LayerNode> found = find(window.tree().view().getRoot(), key);
        assertNotNull(found, "no row " + key);
        return found;
    }

    static TreeItem<LayerNode> find(TreeItem<LayerNode> item, String key) {
        if (item == null) {
            return null;
        }
        if (item.getValue().key().equals(key)) {
            return item;
        }
        for (TreeItem<LayerNode> c : item.getChildren()) {
            TreeItem<LayerNode> f = find(c, key);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Every tensor key the tree shows. */
    List<String> shownTensorKeys() {
        List<String> out = new java.util.ArrayList<>();
        collect(window.tree().view().getRoot(), out);
        return out;
    }

    private static void collect(TreeItem<LayerNode> item, List<String> out) {
        if (item == null) {
            return;
        }
        if (item.getValue().tensor().isPresent()) {
            out.add(item.getValue().key());
        }
        item.getChildren().forEach(c -> collect(c, out));
    }

    /** Selects a row as a click would and waits until the detail pane shows it (it follows a frame later). */
    void select(FxRobot robot, String key) {
        robot.interact(() -> window.tree().select(row(key).getValue()));
        waitFor(() -> robot.lookup("#detailTitle").tryQueryAs(javafx.scene.control.Label.class)
                .map(l -> l.getText().equals(key)).orElse(false));
    }

    /** Drops files onto {@code target} through the real drag-and-drop handlers, with a real Dragboard. */
    static void dropFiles(FxRobot robot, Node target, List<File> files) {
        robot.interact(() -> {
            ClipboardContent content = new ClipboardContent();
            content.putFiles(files);
            Dragboard db = TestDragboards.holding(content);
            for (var type : List.of(DragEvent.DRAG_OVER, DragEvent.DRAG_DROPPED)) {
                target.fireEvent(new DragEvent(null, target, type, db, 100, 100, 100, 100, TransferMode.COPY,
                        null, null, null));
            }
        });
    }

    /** Waits for background work, lays the window out anew and hands its root to {@code inspect} on the FX thread. */
    void inspectLaidOut(FxRobot robot, java.util.function.Consumer<javafx.scene.Parent> inspect) {
        waitFor(this::idle);
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> inspect.accept(stage.getScene().getRoot()));
    }

    /** The text a label, button or menu item's label draws: what the user reads, after any mnemonic parsing. */
    static String drawn(javafx.scene.Node labeled) {
        return ((javafx.scene.text.Text) labeled.lookup(".text")).getText();
    }

    /** Writes a PNG of the whole window to target/screenshots/NAME.png. */
    void screenshot(FxRobot robot, String name) {
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> img = new AtomicReference<>();
        robot.interact(() -> img.set(stage.getScene().snapshot(null)));
        try {
            Files.createDirectories(SCREENSHOTS);
            ImageIO.write(SwingFXUtils.fromFXImage(img.get(), null), "png",
                    SCREENSHOTS.resolve(name + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
