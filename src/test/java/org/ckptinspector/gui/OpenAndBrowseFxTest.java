package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.TreeItem;
import javafx.scene.input.KeyCode;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.gui.export.ExportSelection;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** Opening files (menu action, drop, two files), the tree's rows against the manifests, filter and keyboard. */
class OpenAndBrowseFxTest extends FxAppTestSupport {
    private static final Path SIMPLE = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");
    private static final Path SHARDED = Fixtures.file("torch-2.13", "sharded/model.safetensors.index.json");
    private static final Path BF16 = Fixtures.file("torch-2.13", "safetensors/tiny_gpt_bf16_save_model.safetensors");

    @Test
    void startScreenOffersOpenAndTheSample(FxRobot robot) {
        assertTrue(robot.lookup("#startScreen").tryQuery().isPresent());
        assertEquals("Open sample checkpoint", robot.lookup("#openSample").queryAs(Button.class).getText());
        screenshot(robot, "01-start-screen");
        assertFalse(InspectorApp.appIcons().isEmpty(), "window icons from assets/icons are in the build");
    }

    @Test
    void treeShowsEveryTensorOfTheManifestWithItsDtypeAndShape(FxRobot robot) {
        open(robot, SIMPLE);
        JsonNode entry = manifestEntry("safetensors/simple_model.safetensors");
        List<String> expected = new ArrayList<>();
        for (JsonNode t : entry.get("tensors")) {
            String key = t.get("path_str").asText();
            expected.add(key);
            TensorRef shown = row(key).getValue().tensor().orElseThrow();
            assertEquals(t.get("torch_dtype").asText(), shown.dtype().torchName(), key);
            assertEquals(longs(t.get("shape")), Arrays.toString(shown.shape()), key);
        }
        assertEquals(expected.stream().sorted().toList(), shownTensorKeys().stream().sorted().toList());
        assertEquals(LayerNode.Kind.MODULE, row("fc1").getValue().kind());
        assertFalse(robot.lookup("#startScreen").tryQuery().isPresent(), "start screen replaced by the tree");
    }

    @Test
    void shardedIndexShowsTheWeightMapAsOneModel(FxRobot robot) {
        open(robot, SHARDED);
        JsonNode entry = manifestEntry("sharded/model.safetensors.index.json");
        List<String> expected = new ArrayList<>();
        entry.get("weight_map").fieldNames().forEachRemaining(expected::add);
        assertEquals(expected.stream().sorted().toList(), shownTensorKeys().stream().sorted().toList());
        long params = window.workspace().primary().training().parameterCount();
        assertEquals(params, row("").getValue().aggregate().parameters());
    }

    @Test
    void expandAllOpensEveryRowAndCollapseAllKeepsTheSelectionInSight(FxRobot robot) {
        open(robot, BF16);
        select(robot, "transformer.h.1.mlp.c_fc.weight");
        robot.interact(() -> window.tree().expandAll(true));
        assertTrue(allInnerRows(window.tree().view().getRoot()).stream().allMatch(TreeItem::isExpanded));
        assertEquals("transformer.h.1.mlp.c_fc.weight", window.tree().selectedProperty().get().key());
        robot.interact(() -> window.tree().expandAll(false));
        TreeItem<LayerNode> root = window.tree().view().getRoot();
        assertTrue(root.isExpanded(), "the file row stays open");
        assertTrue(allInnerRows(root).stream().filter(i -> i != root).noneMatch(TreeItem::isExpanded));
        assertEquals("transformer", window.tree().selectedProperty().get().key(),
                "the selection moves to the row that still shows");
    }

    private static List<TreeItem<LayerNode>> allInnerRows(TreeItem<LayerNode> item) {
        List<TreeItem<LayerNode>> out = new ArrayList<>();
        if (!item.isLeaf()) {
            out.add(item);
            item.getChildren().forEach(c -> out.addAll(allInnerRows(c)));
        }
        return out;
    }

    @Test
    void filterKeepsMatchesAndTheirAncestors(FxRobot robot) {
        open(robot, BF16);
        robot.interact(() -> window.filterBar().setText("attn.c_attn", false));
        List<String> shown = shownTensorKeys();
        assertFalse(shown.isEmpty());
        assertTrue(shown.stream().allMatch(k -> k.contains("attn.c_attn")), shown.toString());
        long expected = window.workspace().primary().checkpoint().tensors().stream()
                .filter(t -> t.key().contains("attn.c_attn")).count();
        assertEquals(expected, shown.size());
        row("transformer.h.0.attn");

        robot.interact(() -> window.filterBar().setText("^transformer\\.h\\.1\\..*weight$", true));
        shown = shownTensorKeys();
        assertTrue(shown.stream().allMatch(k -> k.matches("transformer\\.h\\.1\\..*weight")), shown.toString());
        assertFalse(shown.isEmpty());
        screenshot(robot, "02-filtered-tree");

        robot.interact(() -> window.filterBar().setText("", false));
        assertEquals(window.workspace().primary().checkpoint().tensors().size(), shownTensorKeys().size());
    }

    @Test
    void droppingAFileOpensIt(FxRobot robot) {
        dropFiles(robot, stage.getScene().getRoot(), List.of(SIMPLE.toFile()));
        waitFor(() -> window.workspace().primary() != null && idle());
        assertEquals(SIMPLE, window.workspace().primary().file());
        row("fc2.weight");
    }

    @Test
    void droppingTwoFilesOpensTheSecondAsComparison(FxRobot robot) {
        dropFiles(robot, stage.getScene().getRoot(), List.of(SIMPLE.toFile(), BF16.toFile()));
        waitFor(() -> window.workspace().comparison() != null && idle());
        assertEquals(SIMPLE, window.workspace().primary().file());
        assertEquals(BF16, window.workspace().comparison().file());
    }

    @Test
    void aMissingFileExplainsItselfInADialog(FxRobot robot) {
        robot.interact(() -> window.openFile(Path.of("/no/such/model.pt")));
        waitFor(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        String text = robot.lookup("#errorDialog").queryAs(javafx.scene.control.DialogPane.class).getContentText();
        assertTrue(text.contains("/no/such/model.pt") && text.contains("no such file"), text);
    }

    @Test
    void keyboardBrowsesTheTreeAndSpaceTicksForExport(FxRobot robot) {
        open(robot, SIMPLE);
        robot.interact(() -> window.tree().view().requestFocus());
        robot.type(KeyCode.DOWN);
        LayerNode first = window.tree().selectedProperty().get();
        assertEquals("fc1", first.key());
        robot.type(KeyCode.RIGHT, KeyCode.DOWN);
        LayerNode second = window.tree().selectedProperty().get();
        assertEquals(first, second.parent().orElseThrow());
        robot.type(KeyCode.SPACE);
        assertEquals(ExportSelection.State.ALL, window.exportSelection().state(second));
        robot.press(KeyCode.CONTROL).type(KeyCode.F).release(KeyCode.CONTROL);
        assertTrue(window.filterBar().field().isFocused());
        robot.press(KeyCode.CONTROL).type(KeyCode.E).release(KeyCode.CONTROL);
        waitFor(() -> robot.lookup("#exportDialog").tryQuery().isPresent());
        assertEquals(1, robot.lookup("#renamePreview").queryTableView().getItems().size(),
                "the dialog exports the ticked tensor");
        robot.type(KeyCode.ESCAPE);
        waitFor(() -> robot.lookup("#exportDialog").tryQuery().isEmpty());
    }

    static JsonNode manifestEntry(String name) {
        for (JsonNode f : Fixtures.manifest("torch-2.13").get("files")) {
            if (f.get("file").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no manifest entry " + name);
    }

    static String longs(JsonNode a) {
        List<Long> l = new ArrayList<>();
        a.forEach(x -> l.add(x.asLong()));
        return l.toString();
    }

}
