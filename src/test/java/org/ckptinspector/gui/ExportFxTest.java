package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TreeTableRow;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.RenameDraft;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.gui.export.ExportDialog;
import org.ckptinspector.gui.tree.LayerTreeTable;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.TensorHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** Choosing tensors (check boxes, drag into the basket), renaming, exporting and opening the result. */
class ExportFxTest extends FxAppTestSupport {
    private static final Path SIMPLE = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");

    @TempDir
    Path tmp;

    @Test
    void exportsTheTwoTickedTensorsAndOpensTheResult(FxRobot robot) throws Exception {
        open(robot, SIMPLE);
        tick(robot, "fc1.weight");
        tick(robot, "fc2.bias");
        assertEquals(Set.of("fc1.weight", "fc2.bias"), Set.copyOf(window.exportSelection().keys()));
        Path out = tmp.resolve("picked.pth");
        ExportDialog dialog = openDialog(robot);
        assertEquals(ExportFormat.PTH, dialog.model().format(), "torch format by default");
        robot.interact(() -> dialog.model().setOutput(out));
        screenshot(robot, dialog, "05-export-dialog");
        robot.interact(() -> robot.lookup("#exportRun").queryAs(Button.class).fire());
        waitFor(() -> robot.lookup("#exportResult").queryAs(Label.class).isVisible() && idle());
        String summary = robot.lookup("#exportResult").queryAs(Label.class).getText();
        assertTrue(summary.startsWith("Wrote 2 tensors") && summary.contains("Verified"), summary);
        screenshot(robot, dialog, "08-export-done");

        robot.interact(() -> robot.lookup("#exportOpen").queryAs(Button.class).fire());
        waitFor(() -> window.workspace().primary() != null && window.workspace().primary().file().equals(out)
                && idle());
        assertEquals(List.of("fc1.weight", "fc2.bias"), shownTensorKeys().stream().sorted().toList());
        try (Checkpoint source = CheckpointOpener.open(SIMPLE)) {
            for (String k : List.of("fc1.weight", "fc2.bias")) {
                TensorRef written = window.workspace().primary().checkpoint().tensor(k).orElseThrow();
                assertEquals(TensorHash.sha256(source.tensor(k).orElseThrow()), TensorHash.sha256(written), k);
            }
        }
    }

    @Test
    void renameRulesPreviewLiveFlagCollisionsAndApplyToTheExport(FxRobot robot) throws Exception {
        open(robot, SIMPLE);
        tick(robot, "fc1");
        ExportDialog dialog = openDialog(robot);
        Button run = robot.lookup("#exportRun").queryAs(Button.class);
        AtomicReference<RenameDraft> rule = new AtomicReference<>();
        robot.interact(() -> rule.set(dialog.model().addRule("^fc1\\.(weight|bias)$", "same")));
        RenameDraft collide = rule.get();
        var preview = robot.lookup("#renamePreview").queryTableView();
        assertEquals(2, preview.getItems().size());
        assertTrue(preview.getItems().stream().allMatch(r -> r.toString().contains("COLLISION")), "both collide");
        assertTrue(run.isDisabled(), "a colliding export cannot start");
        screenshot(robot, dialog, "09-export-collision");

        robot.interact(() -> collide.setFrom("^fc1\\."));
        robot.interact(() -> collide.setTo("encoder."));
        assertFalse(run.isDisabled());
        assertEquals(List.of("encoder.bias", "encoder.weight"), dialog.model().preview().rows().stream()
                .map(r -> r.output()).sorted().toList());
        Path out = tmp.resolve("renamed.safetensors");
        robot.interact(() -> {
            dialog.model().setFormat(ExportFormat.SAFETENSORS);
            dialog.model().setOutput(out);
        });
        robot.interact(run::fire);
        waitFor(() -> robot.lookup("#exportResult").queryAs(Label.class).isVisible() && idle());
        try (Checkpoint written = CheckpointOpener.open(out)) {
            assertEquals(List.of("encoder.bias", "encoder.weight"), written.tensors().stream()
                    .map(TensorRef::key).sorted().toList());
        }
    }

    @Test
    void writingOverAnExistingFileAsksFirstAndTheTypedExtensionSetsTheFormat(FxRobot robot) throws Exception {
        open(robot, SIMPLE);
        tick(robot, "fc1.weight");
        ExportDialog dialog = openDialog(robot);
        Path out = tmp.resolve("existing.safetensors");
        Files.writeString(out, "the user's file");
        robot.interact(() -> robot.lookup("#exportOutput").queryAs(javafx.scene.control.TextField.class)
                .setText(out.toString()));
        assertEquals(ExportFormat.SAFETENSORS, dialog.model().format(), "the typed extension sets the format");
        assertEquals(".safetensors", robot.lookup("#exportFormat").queryComboBox().getValue());

        robot.interact(() -> robot.lookup("#exportRun").queryAs(Button.class).fire());
        waitFor(() -> robot.lookup("#overwriteDialog").tryQuery().isPresent());
        screenshot(robot, ((javafx.scene.control.DialogPane) robot.lookup("#overwriteDialog").query()).getScene(),
                "10-export-overwrite");
        robot.interact(() -> buttonOf(robot, ButtonType.CANCEL).fire());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(idle());
        assertEquals("the user's file", Files.readString(out), "declining leaves the file alone");
        assertFalse(robot.lookup("#exportResult").queryAs(Label.class).isVisible(), "nothing ran");

        robot.interact(() -> robot.lookup("#exportRun").queryAs(Button.class).fire());
        waitFor(() -> robot.lookup("#overwriteDialog").tryQuery().isPresent());
        robot.interact(() -> buttonOf(robot, ButtonType.OK).fire());
        waitFor(() -> robot.lookup("#exportResult").queryAs(Label.class).isVisible() && idle());
        try (Checkpoint written = CheckpointOpener.open(out)) {
            assertEquals(List.of("fc1.weight"), written.tensors().stream().map(TensorRef::key).toList());
        }
    }

    private static Button buttonOf(FxRobot robot, ButtonType type) {
        return (Button) robot.lookup("#overwriteDialog").queryAs(javafx.scene.control.DialogPane.class)
                .lookupButton(type);
    }

    @Test
    void draggingATreeRowIntoTheBasketChoosesItsTensors(FxRobot robot) {
        open(robot, SIMPLE);
        Node basket = robot.lookup("#exportBasket").query();
        var content = LayerTreeTable.dragContent(List.of(row("fc2").getValue()));
        robot.interact(() -> {
            var db = TestDragboards.holding(content);
            for (var type : List.of(DragEvent.DRAG_OVER, DragEvent.DRAG_DROPPED)) {
                basket.fireEvent(new DragEvent(null, basket, type, db, 10, 10, 10, 10, TransferMode.COPY,
                        null, null, null));
            }
        });
        assertEquals(Set.of("fc2.weight", "fc2.bias"), Set.copyOf(window.exportSelection().keys()));
        var list = robot.lookup("#exportBasketList").queryListView();
        assertEquals(2, list.getItems().size());
    }

    @Test
    void tickingAModuleMarksItsRowsWithoutRemakingTheCells(FxRobot robot) {
        open(robot, SIMPLE);
        Set<Node> before = identities(robot.lookup(".export-check").queryAll());
        tick(robot, "fc1");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Set.of("fc1.weight", "fc1.bias"), Set.copyOf(window.exportSelection().keys()));
        assertEquals(before, identities(robot.lookup(".export-check").queryAll()), "the same check boxes");
        assertTrue(checkBox(robot, "fc1").isSelected());
        assertTrue(checkBox(robot, "fc1.weight").isSelected());
        assertFalse(checkBox(robot, "fc2").isSelected());
        assertTrue(checkBox(robot, "").isIndeterminate(), "the file row has some of its tensors chosen");
    }

    private static Set<Node> identities(Set<Node> nodes) {
        Set<Node> s = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        s.addAll(nodes);
        return s;
    }

    private CheckBox checkBox(FxRobot robot, String key) {
        for (Node n : robot.lookup(".export-check").queryAll()) {
            if (key.equals(rowKey(n))) {
                return (CheckBox) n;
            }
        }
        throw new AssertionError("no check box for " + key);
    }

    /** The key of the tree row a node is in, or null. */
    private static String rowKey(Node n) {
        Node p = n;
        while (p != null && !(p instanceof TreeTableRow<?>)) {
            p = p.getParent();
        }
        return p instanceof TreeTableRow<?> r && r.getItem() != null && !r.isEmpty()
                ? ((org.ckptinspector.app.LayerNode) r.getItem()).key() : null;
    }

    private ExportDialog openDialog(FxRobot robot) {
        AtomicReference<ExportDialog> d = new AtomicReference<>();
        robot.interact(() -> d.set(window.showExportDialog()));
        return d.get();
    }

    /** Clicks the export check box of a row, as the user would. */
    private void tick(FxRobot robot, String key) {
        robot.interact(() -> window.tree().select(row(key).getValue()));
        robot.interact(() -> checkBox(robot, key).fire());
    }

    private void screenshot(FxRobot robot, ExportDialog dialog, String name) throws Exception {
        screenshot(robot, dialog.stage().getScene(), name);
    }

    private void screenshot(FxRobot robot, javafx.scene.Scene scene, String name) throws Exception {
        AtomicReference<javafx.scene.image.WritableImage> img = new AtomicReference<>();
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> img.set(scene.snapshot(null)));
        Files.createDirectories(SCREENSHOTS);
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img.get(), null), "png",
                SCREENSHOTS.resolve(name + ".png").toFile());
    }
}
