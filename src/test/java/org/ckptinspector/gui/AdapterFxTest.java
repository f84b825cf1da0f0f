package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import javafx.scene.control.Labeled;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** A PEFT adapter folder shows its config and each module's rank, scale and ‖ΔW‖ beside the file's facts. */
class AdapterFxTest extends FxAppTestSupport {
    private static final Path ADAPTER = Fixtures.ROOT.resolve("peft/lora-pattern");

    @Test
    void anAdapterFolderListsItsModulesWithRankAndScale(FxRobot robot) {
        open(robot, ADAPTER);
        waitFor(() -> robot.lookup(n -> n instanceof Labeled l && "PEFT adapter".equals(l.getText())).tryQuery()
                .isPresent());
        assertTrue(robot.lookup(n -> n instanceof Labeled l && l.getText() != null
                && l.getText().startsWith("rank 2 · alpha 8 · scale 4 · ‖ΔW‖ 7.35")).tryQuery().isPresent(),
                "layers.1.self_attn.q_proj: rank_pattern 2, scale 8 / 2");
        var factor = row("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight");
        robot.interact(() -> {
            for (var p = factor.getParent(); p != null; p = p.getParent()) {
                p.setExpanded(true);
            }
            window.tree().view().getSelectionModel().select(row(""));
        });
        waitFor(() -> robot.lookup(n -> n instanceof Labeled l && "PEFT adapter".equals(l.getText())).tryQuery()
                .isPresent());
        screenshot(robot, "adapter");
        robot.interact(() -> stage.setWidth(1024));
        robot.interact(() -> stage.setHeight(700));
        screenshot(robot, "adapter-1024x700");
    }
}
