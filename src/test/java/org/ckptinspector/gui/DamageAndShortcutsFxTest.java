package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeTableCell;
import javafx.scene.input.KeyCode;
import javafx.stage.Window;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * Damage shown up front, and the smaller items: the shortcut list, Ctrl+Tab, Close Comparison only with a
 * comparison, "Select by regex…" with its live count, and the banner's globals leading to their rows.
 */
class DamageAndShortcutsFxTest extends FxAppTestSupport {
    private static final Path HOSTILE = Path.of("src/test/resources/hostile");

    @Test
    void rowsWithWarningsCarryAMarkerAndTheFilePaneListsThem(FxRobot robot) {
        for (String name : List.of("corrupt_negative_stride.pt", "corrupt_shape_overflow.pt")) {
            open(robot, HOSTILE.resolve(name));
            List<TensorRef> damaged = window.workspace().primary().checkpoint().tensors().stream()
                    .filter(t -> !t.problems().isEmpty()).toList();
            assertFalse(damaged.isEmpty(), name + " has a tensor the reader warns about");
            for (TensorRef t : window.workspace().primary().checkpoint().tensors()) {
                select(robot, t.key());
                Optional<Node> mark = damageMark(t.key());
                if (t.problems().isEmpty()) {
                    assertTrue(mark.isEmpty() || !mark.get().isVisible(), t.key());
                } else {
                    assertTrue(mark.isPresent() && mark.get().isVisible(), t.key());
                    assertEquals(t.problems().get(0), mark.get().getAccessibleText().replace("warning: ", ""));
                }
            }
            robot.interact(() -> window.tree().select(row("").getValue()));
            waitFor(() -> robot.lookup("#damageLine").tryQuery().isPresent());
            Label line = robot.lookup("#damageLine").queryAs(Label.class);
            assertTrue(line.getText().startsWith(damaged.size() + " tensor"), line.getText());
            screenshot(robot, "damage-" + name.replace(".pt", ""));
        }
    }

    @Test
    void closeComparisonIsDisabledWithoutAComparison(FxRobot robot) {
        MenuItem close = menuItem(robot, "closeComparison");
        assertTrue(close.isDisable());
        var pair = DetailAndDiffFxTest.pair("values");
        Path dir = Path.of("src/test/resources/diff");
        open(robot, dir.resolve(pair.get("a").asText()));
        assertTrue(close.isDisable());
        robot.interact(() -> window.workspace().compareWith(dir.resolve(pair.get("b").asText())));
        waitFor(() -> robot.lookup("#diffPanel").query().isVisible() && idle());
        assertFalse(close.isDisable());
        robot.interact(close::fire);
        waitFor(this::idle);
        assertNull(window.workspace().comparison());
        assertTrue(close.isDisable());
    }

    @Test
    void shortcutListNamesCtrlTabAndCtrlCWhichWork(FxRobot robot) {
        List<String> keys = AppMenus.SHORTCUTS.stream().map(s -> s[0]).toList();
        assertTrue(keys.contains("Ctrl+Tab") && keys.contains("Ctrl+C"), keys.toString());
        open(robot, Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors"));
        robot.press(KeyCode.F1).release(KeyCode.F1);
        waitFor(() -> dialog("shortcutsDialog").isPresent());
        DialogPane pane = dialog("shortcutsDialog").orElseThrow();
        javafx.scene.layout.GridPane grid = (javafx.scene.layout.GridPane) pane.lookup("#shortcutList");
        assertEquals(2 * AppMenus.SHORTCUTS.size(), grid.getChildren().size());
        double x = grid.getChildren().get(1).getBoundsInParent().getMinX();
        for (int i = 1; i < grid.getChildren().size(); i += 2) {
            assertEquals(x, grid.getChildren().get(i).getBoundsInParent().getMinX(), 0.5, "descriptions align");
        }
        screenshotOf(robot, pane, "shortcuts");
        robot.interact(() -> pane.getScene().getWindow().hide());

        select(robot, "fc1.weight");
        robot.interact(() -> window.tree().view().requestFocus());
        TabPane tabs = robot.lookup("#detailTabs").queryAs(TabPane.class);
        assertEquals(0, tabs.getSelectionModel().getSelectedIndex());
        robot.press(KeyCode.CONTROL, KeyCode.TAB).release(KeyCode.TAB, KeyCode.CONTROL);
        assertEquals(1, tabs.getSelectionModel().getSelectedIndex(), "Ctrl+Tab from the tree");
    }

    @Test
    void selectByRegexOpensEmptyAndCountsMatchesAsOneTypes(FxRobot robot) {
        open(robot, Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors"));
        robot.clickOn("#selectByRegex");
        waitFor(() -> dialog("regexDialog").isPresent());
        DialogPane pane = dialog("regexDialog").orElseThrow();
        TextField field = (TextField) pane.lookup(".text-field");
        assertEquals("", field.getText());
        assertTrue(pane.lookupButton(javafx.scene.control.ButtonType.OK).isDisable());
        robot.clickOn(field).write("fc1");
        long expected = window.workspace().primary().checkpoint().tensors().stream()
                .filter(t -> t.key().contains("fc1")).count();
        Label count = (Label) pane.lookup("#regexMatchCount");
        waitFor(() -> count.getText().startsWith(expected + " tensor"));
        screenshotOf(robot, pane, "regex-dialog");
        robot.interact(() -> ((Button) pane.lookupButton(javafx.scene.control.ButtonType.OK)).fire());
        waitFor(() -> window.exportSelection().keys().size() == expected);
    }

    @Test
    void aGlobalsTagInTheBannerSelectsTheRowThatUsesIt(FxRobot robot) {
        open(robot, Path.of("src/test/resources/gui/dangerous_reduce.pt"));
        Button chip = robot.lookup((Node n) -> "global-posix.system".equals(n.getId())).queryAs(Button.class);
        robot.interact(chip::fire);
        waitFor(() -> window.tree().selectedProperty().get() != null
                && window.tree().selectedProperty().get().key().equals("extra"));
        assertEquals("extra", window.tree().selectedProperty().get().key(),
                "the row whose value calls posix.system");
    }

    private Optional<Node> damageMark(String key) {
        LayerNode node = row(key).getValue();
        for (Node n : window.tree().view().lookupAll(".tree-table-cell")) {
            if (n instanceof TreeTableCell<?, ?> cell && cell.getItem() == node
                    && "nameColumn".equals(cell.getTableColumn().getId())) {
                return Optional.ofNullable(n.lookup(".damage-mark"));
            }
        }
        throw new AssertionError("no name cell for " + key);
    }

    private MenuItem menuItem(FxRobot robot, String id) {
        MenuBar bar = robot.lookup("#menuBar").queryAs(MenuBar.class);
        return bar.getMenus().stream().flatMap(m -> m.getItems().stream()).filter(i -> id.equals(i.getId()))
                .findFirst().orElseThrow();
    }

    private static Optional<DialogPane> dialog(String id) {
        return Window.getWindows().stream().filter(Window::isShowing).map(w -> w.getScene().getRoot())
                .filter(r -> r instanceof DialogPane d && id.equals(d.getId())).map(r -> (DialogPane) r).findFirst();
    }

    private void screenshotOf(FxRobot robot, Node node, String name) {
        var img = new java.util.concurrent.atomic.AtomicReference<javafx.scene.image.WritableImage>();
        robot.interact(() -> img.set(node.snapshot(null, null)));
        try {
            java.nio.file.Files.createDirectories(SCREENSHOTS);
            javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img.get(), null), "png",
                    SCREENSHOTS.resolve(name + ".png").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
