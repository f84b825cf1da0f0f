package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import javafx.scene.control.Labeled;
import javafx.scene.control.TabPane;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * A PEFT adapter folder opens as its own tree (a row per module with rank and scale, its factors beneath), the
 * file pane lists the config and each module's ‖ΔW‖, and selecting a module shows its ΔW's statistics.
 */
class AdapterFxTest extends FxAppTestSupport {
    private static final Path ADAPTER = Fixtures.ROOT.resolve("peft/lora-pattern");
    private static final Path BASE = Fixtures.ROOT.resolve("peft/llama-base");
    private static final String MODULE = "model.layers.1.self_attn.q_proj";

    @Test
    void anAdapterFolderListsItsModulesWithRankAndScale(FxRobot robot) {
        open(robot, ADAPTER);
        waitFor(() -> robot.lookup(n -> n instanceof Labeled l && "PEFT adapter".equals(l.getText())).tryQuery()
                .isPresent());
        assertTrue(label(robot, "rank 2 · alpha 8 · scale 4 · ‖ΔW‖ 7.35"),
                "layers.1.self_attn.q_proj: rank_pattern 2, scale 8 / 2");
        var module = row(MODULE);
        assertEquals("model.layers.1.self_attn", module.getParent().getValue().key(),
                "one row per module, at its path in the model");
        assertEquals("LoRA r 2 · scale 4", module.getValue().typeName());
        assertTrue(find(module, MODULE + ".lora_A.weight") != null && find(module, MODULE + ".lora_B.weight") != null);
        robot.interact(() -> module.setExpanded(true));
        screenshot(robot, "adapter-file");

        select(robot, MODULE);
        waitFor(() -> label(robot, "LoRA module  ·  statistics below are of ΔW = scale·B·A")
                && robot.lookup(n -> n instanceof Labeled l && "Histogram".equals(l.getText())).tryQuery().isPresent()
                && idle());
        assertTrue(label(robot, "2  (rank_pattern; r is 4)"), "the module's rank and where it comes from");
        assertTrue(label(robot, "[32, 32]  = scale·B·A"), "ΔW's shape");
        screenshot(robot, "adapter");
        robot.interact(() -> stage.setWidth(1024));
        robot.interact(() -> stage.setHeight(700));
        screenshot(robot, "adapter-1024x700");

        robot.interact(() -> robot.lookup("#detailTabs").queryAs(TabPane.class).getTabs().stream()
                .filter(t -> "heatMapTab".equals(t.getId())).findFirst().ifPresent(t -> t.getTabPane()
                        .getSelectionModel().select(t)));
        waitFor(this::idle);
        screenshot(robot, "adapter-heat-map");
    }

    @Test
    void comparingABaseWithAnAdapterFolderShowsWhichTensorsItChangesAndHowMuch(FxRobot robot) {
        open(robot, BASE);
        robot.interact(() -> window.adapters().compareWith(ADAPTER));
        waitFor(() -> window.workspace().comparison() != null && window.comparisonState().isActive() && idle());
        String key = MODULE + ".weight";
        select(robot, key);
        waitFor(() -> label(robot, "update: low-rank (rank 2)") && label(robot, "Compared with B") && idle());
        robot.interact(() -> robot.lookup("#differencesOnly").queryAs(javafx.scene.control.CheckBox.class).fire());
        waitFor(this::idle);
        screenshot(robot, "adapter-compare");
        assertEquals("lora-pattern", window.workspace().comparison().file().getFileName().toString());
    }

    @Test
    void adapterModulesTheBaseLacksAreAWarning(FxRobot robot) throws java.io.IOException {
        open(robot, Fixtures.ROOT.resolve("peft/gpt2-base"));
        robot.interact(() -> window.adapters().compareWith(Fixtures.ROOT.resolve("peft/lora-basic")));
        waitFor(() -> robot.lookup("#adapterUnmatchedDialog").tryQuery().isPresent() && idle());
        var pane = robot.lookup("#adapterUnmatchedDialog").queryAs(javafx.scene.control.DialogPane.class);
        assertTrue(pane.getHeaderText().startsWith("5 parts of lora-basic could not be laid over gpt2-base"),
                pane.getHeaderText());
        assertTrue(window.workspace().comparison() != null, "the rest is compared");
        var img = new java.util.concurrent.atomic.AtomicReference<javafx.scene.image.WritableImage>();
        robot.interact(() -> img.set(pane.getScene().snapshot(null)));
        java.nio.file.Files.createDirectories(SCREENSHOTS);
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(img.get(), null), "png",
                SCREENSHOTS.resolve("adapter-unmatched.png").toFile());
        robot.interact(() -> ((javafx.stage.Stage) pane.getScene().getWindow()).close());
    }

    @Test
    void exportMergedOpensTheExportDialogOnTheMergedWeights(FxRobot robot) {
        open(robot, BASE);
        robot.interact(() -> window.adapters().exportMerged(ADAPTER));
        waitFor(() -> window.adapters().exportDialog() != null && idle());
        var dialog = window.adapters().exportDialog();
        assertEquals(21, dialog.model().keys().size(), "every tensor of the base");
        assertEquals("llama-base-lora-pattern-merged.safetensors", dialog.model().output().getFileName().toString());
        assertTrue(dialog.stage().isShowing());
        assertEquals("Export llama-base with lora-pattern merged", dialog.stage().getTitle());
        robot.interact(() -> dialog.stage().close());
        // Closing the dialog closed the adapter, not the base: its values still read.
        select(robot, MODULE + ".weight");
        waitFor(() -> robot.lookup(n -> n instanceof Labeled l && "Histogram".equals(l.getText())).tryQuery()
                .isPresent() && idle());
    }

    private static boolean label(FxRobot robot, String text) {
        return robot.lookup(n -> n instanceof Labeled l && l.getText() != null && l.getText().startsWith(text))
                .tryQuery().isPresent();
    }
}
