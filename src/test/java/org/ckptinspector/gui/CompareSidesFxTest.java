package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import org.ckptinspector.app.Formats;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * Compare mode on real pairs: both sides of a row in the tree and the detail pane, the update verdict torch's
 * fixture script built, and the view (selection, expansion, tab) kept when a comparison starts and ends.
 */
class CompareSidesFxTest extends FxAppTestSupport {
    private static final Path DIFF_DIR = Path.of("src/test/resources/diff");
    private static final Path LORA_DIR = Path.of("src/test/resources/trajectory/lora");

    @Test
    void aShapeDiffersRowShowsBothShapesInTheTreeAndTheDetailPane(FxRobot robot) {
        JsonNode pair = DetailAndDiffFxTest.pair("values");
        compare(robot, DIFF_DIR.resolve(pair.get("a").asText()), DIFF_DIR.resolve(pair.get("b").asText()));
        for (JsonNode k : pair.get("shape_mismatch")) {
            String key = k.asText();
            TensorRef a = window.workspace().primary().checkpoint().tensor(key).orElseThrow();
            TensorRef b = window.workspace().comparison().checkpoint().tensor(key).orElseThrow();
            select(robot, key);
            String both = Formats.shape(a.shape()) + " → " + Formats.shape(b.shape());
            assertEquals(both, cellText("shapeColumn", key), key);
            assertEquals(Formats.shape(a.shape()), label("#sideA-shape").getText(), key);
            assertEquals(Formats.shape(b.shape()), label("#sideB-shape").getText(), key);
            assertTrue(label("#sideB-shape").getStyleClass().contains("fact-differs"));
        }
        for (JsonNode k : pair.get("dtype_mismatch")) {
            String key = k.asText();
            TensorRef a = window.workspace().primary().checkpoint().tensor(key).orElseThrow();
            TensorRef b = window.workspace().comparison().checkpoint().tensor(key).orElseThrow();
            select(robot, key);
            assertEquals(a.dtype().torchName() + " → " + b.dtype().torchName(), cellText("typeColumn", key), key);
            assertEquals(b.dtype().torchName(), label("#sideB-dtype").getText(), key);
            if (java.util.Arrays.equals(a.shape(), b.shape())) {
                waitFor(() -> robot.lookup(".fact-label").queryAllAs(Label.class).stream()
                        .anyMatch(l -> l.getText().equals("max |A − B|")));
            }
        }
        select(robot, "shape.mismatch");
        screenshot(robot, "compare-both-sides");
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        screenshot(robot, "compare-both-sides-1024");
    }

    @Test
    void theUpdateColumnShowsTheVerdictOfEachRowAsTheFixtureBuiltIt(FxRobot robot) throws Exception {
        JsonNode lora = new ObjectMapper().readTree(LORA_DIR.resolveSibling("manifest.json").toFile()).get("lora");
        compare(robot, LORA_DIR.resolve(lora.get("a").asText()), LORA_DIR.resolve(lora.get("b").asText()));
        assertTrue(column("verdictColumn").isVisible());
        lora.get("expected_kind").fields().forEachRemaining(e -> {
            select(robot, e.getKey());
            assertEquals(e.getValue().asText(), cellText("verdictColumn", e.getKey()), e.getKey());
        });
        for (JsonNode k : lora.get("identical")) {
            select(robot, k.asText());
            assertEquals("frozen", cellText("verdictColumn", k.asText()));
        }
        select(robot, "q.weight");
        screenshot(robot, "compare-verdicts");
        robot.interact(() -> window.workspace().setComparison(null));
        waitFor(() -> !robot.lookup("#diffPanel").query().isVisible() && idle());
        assertFalse(column("verdictColumn").isVisible());
    }

    @Test
    void selectionExpansionAndTabSurviveStartingAndEndingAComparison(FxRobot robot) {
        JsonNode pair = DetailAndDiffFxTest.pair("tree");
        open(robot, DIFF_DIR.resolve(pair.get("a").asText()));
        robot.interact(() -> row("blocks.1").setExpanded(true));
        robot.interact(() -> row("blocks.0").setExpanded(false));
        select(robot, "embed.weight");
        TabPane tabs = robot.lookup("#detailTabs").queryAs(TabPane.class);
        robot.interact(() -> tabs.getSelectionModel().select(tab(tabs, "valuesTab")));
        select(robot, "blocks.0.mlp.weight");
        assertEquals("valuesTab", selectedTab(robot), "the tab stays when the selection changes");

        robot.interact(() -> window.workspace().compareWith(DIFF_DIR.resolve(pair.get("b").asText())));
        waitFor(() -> robot.lookup("#diffPanel").query().isVisible() && idle());
        assertView(robot, "blocks.0.mlp.weight");

        robot.interact(() -> window.workspace().setComparison(null));
        waitFor(() -> !robot.lookup("#diffPanel").query().isVisible() && idle());
        assertView(robot, "blocks.0.mlp.weight");
    }

    private void assertView(FxRobot robot, String key) {
        waitFor(() -> robot.lookup("#detailTitle").tryQueryAs(Label.class)
                .map(l -> l.getText().equals(key)).orElse(false));
        assertEquals(key, window.tree().selectedProperty().get().key());
        assertTrue(row("blocks.1").isExpanded(), "expanded by the user");
        assertTrue(row("blocks.0").isExpanded(), "expanded to show the selection");
        assertEquals("valuesTab", selectedTab(robot));
    }

    private void compare(FxRobot robot, Path a, Path b) {
        open(robot, a);
        robot.interact(() -> robot.lookup("#alignPrefixes").queryAs(CheckBox.class).setSelected(false));
        robot.interact(() -> window.workspace().compareWith(b));
        waitFor(() -> robot.lookup("#diffPanel").query().isVisible() && idle());
    }

    private static String selectedTab(FxRobot robot) {
        return robot.lookup("#detailTabs").queryAs(TabPane.class).getSelectionModel().getSelectedItem().getId();
    }

    private static Tab tab(TabPane tabs, String id) {
        return tabs.getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().orElseThrow();
    }

    private javafx.scene.control.TreeTableColumn<LayerNode, ?> column(String id) {
        return window.tree().view().getColumns().stream().filter(c -> id.equals(c.getId())).findFirst()
                .orElseThrow();
    }

    private static Label label(String query) {
        return new FxRobot().lookup(query).queryAs(Label.class);
    }

    /** The text the rendered cell of this column shows for the row with this key. */
    private String cellText(String columnId, String key) {
        TreeItem<LayerNode> item = row(key);
        for (Node n : window.tree().view().lookupAll(".tree-table-cell")) {
            if (n instanceof TreeTableCell<?, ?> cell && cell.getTableColumn() != null
                    && columnId.equals(cell.getTableColumn().getId()) && cell.getTableRow() != null
                    && cell.getTableRow().getTreeItem() == item && !cell.isEmpty()) {
                return cell.getText();
            }
        }
        assertNull(item, "no rendered cell for " + key);
        return null;
    }
}
