package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.ckptinspector.app.PreviewGrid;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.robot.Motion;
import org.testfx.util.WaitForAsyncUtils;

/**
 * In Compare mode the Values and Heat map tabs show A's tensor or, switched to B, B's: its shape, its dtype, its
 * values (read back from the file through the core reader), also where the dtypes differ. Outside Compare mode
 * there is no switch.
 */
class CompareValuesFxTest extends FxAppTestSupport {
    private static final Path DIFF_DIR = Path.of("src/test/resources/diff");

    @Test
    void theValuesAndHeatMapOfAShapeDiffersRowSwitchToB(FxRobot robot) throws Exception {
        compareValuesPair(robot);
        select(robot, "shape.mismatch");
        showTab(robot, "valuesTab");
        waitFor(() -> shownIn("valuesTab").lookup("#valueGrid") != null);
        assertTrue(caption().endsWith("3 rows × 4 columns"), caption());
        switchTo(robot, "valuesTab", "#sideB");
        waitFor(() -> shownIn("valuesTab").lookup("#valueGrid") != null && idle());
        assertTrue(caption().endsWith("4 rows × 3 columns"), caption());
        assertEquals(expected(bTensor("shape.mismatch")), copied(robot));
        screenshot(robot, "compare-values-b");

        showTab(robot, "heatMapTab");
        assertTrue(((ToggleButton) shownIn("heatMapTab").lookup("#sideB")).isSelected(), "the switches move together");
        waitFor(() -> shownIn("heatMapTab").lookup("#heatMap") != null);
        String heatB = heatCaption();
        screenshot(robot, "compare-heat-map-b");
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        screenshot(robot, "compare-heat-map-b-1024");
        showTab(robot, "valuesTab");
        screenshot(robot, "compare-values-b-1024");
        showTab(robot, "heatMapTab");
        switchTo(robot, "heatMapTab", "#sideA");
        waitFor(() -> shownIn("heatMapTab").lookup("#heatMap") != null && !heatCaption().equals(heatB));
        showTab(robot, "valuesTab");
        waitFor(() -> shownIn("valuesTab").lookup("#valueGrid") != null && caption().endsWith("3 rows × 4 columns"));
    }

    @Test
    void dtypeDiffersRowsShowBsValuesInBsDtype(FxRobot robot) throws Exception {
        compareValuesPair(robot);
        JsonNode pair = DetailAndDiffFxTest.pair("values");
        for (JsonNode k : pair.get("dtype_mismatch")) {
            String key = k.asText();
            TensorRef a = window.workspace().primary().checkpoint().tensor(key).orElseThrow();
            TensorRef b = bTensor(key);
            assertNotEquals(a.dtype(), b.dtype(), key);
            select(robot, key);
            showTab(robot, "valuesTab");
            switchTo(robot, "valuesTab", "#sideB");
            waitFor(() -> shownIn("valuesTab").lookup("#valueGrid") != null);
            assertEquals(expected(b), copied(robot), key);
            switchTo(robot, "valuesTab", "#sideA");
            waitFor(() -> shownIn("valuesTab").lookup("#valueGrid") != null);
            assertEquals(expected(a), copied(robot), key);
            switchTo(robot, "valuesTab", "#sideB"); // the side stays for the next row
        }
    }

    @Test
    void withoutAComparisonThereIsNoSwitch(FxRobot robot) {
        open(robot, DIFF_DIR.resolve(DetailAndDiffFxTest.pair("values").get("a").asText()));
        select(robot, "shape.mismatch");
        showTab(robot, "valuesTab");
        waitFor(() -> shownIn("valuesTab").lookup("#valueGrid") != null);
        assertEquals(null, shownIn("valuesTab").lookup("#sideB"));
    }

    private void compareValuesPair(FxRobot robot) {
        JsonNode pair = DetailAndDiffFxTest.pair("values");
        open(robot, DIFF_DIR.resolve(pair.get("a").asText()));
        robot.interact(() -> robot.lookup("#alignPrefixes").queryAs(CheckBox.class).setSelected(false));
        robot.interact(() -> window.workspace().compareWith(DIFF_DIR.resolve(pair.get("b").asText())));
        waitFor(() -> robot.lookup("#diffPanel").query().isVisible() && idle());
    }

    private TensorRef bTensor(String key) {
        return window.workspace().comparison().checkpoint().tensor(key).orElseThrow();
    }

    /** Every value of {@code t} in row-major order as the grid copies it, read through the core reader. */
    private static List<String> expected(TensorRef t) throws Exception {
        double[] v = ValueReader.of(t).read(0, (int) t.numel());
        return Arrays.stream(v).mapToObj(x -> PreviewGrid.exact(x, t.dtype())).toList();
    }

    /** The cells the value grid copies with Ctrl+C, in order. */
    private static List<String> copied(FxRobot robot) throws Exception {
        Node grid = shownIn("valuesTab").lookup("#valueGrid");
        robot.moveTo(grid, Pos.TOP_LEFT, new Point2D(60, 30), Motion.DIRECT).clickOn(MouseButton.PRIMARY)
                .press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        String text = WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()).get();
        List<String> cells = new ArrayList<>();
        for (String line : text.split("\n")) {
            cells.addAll(Arrays.asList(line.split("\t")));
        }
        return cells;
    }

    private static void switchTo(FxRobot robot, String tab, String side) {
        robot.interact(() -> ((ToggleButton) shownIn(tab).lookup(side)).fire());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static Node shownIn(String tabId) {
        TabPane tabs = new FxRobot().lookup("#detailTabs").queryAs(TabPane.class);
        return tabs.getTabs().stream().filter(t -> tabId.equals(t.getId())).findFirst().map(Tab::getContent)
                .orElseThrow();
    }

    private static String caption() {
        Node c = shownIn("valuesTab").lookup("#valueCaption");
        return c == null ? "" : ((Label) c).getText();
    }

    private static String heatCaption() {
        Node c = shownIn("heatMapTab").lookup("#heatCaption");
        return c == null ? "" : ((Label) c).getText();
    }

    private static void showTab(FxRobot robot, String id) {
        TabPane tabs = robot.lookup("#detailTabs").queryAs(TabPane.class);
        Tab tab = tabs.getTabs().stream().filter(x -> id.equals(x.getId())).findFirst().orElseThrow();
        robot.interact(() -> tabs.getSelectionModel().select(tab));
    }
}
