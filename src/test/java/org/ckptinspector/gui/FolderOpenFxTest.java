package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import org.ckptinspector.Fixtures;
import org.ckptinspector.model.CheckpointFolder;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** Checkpoint folders open like files: dropped, from the command line's path, and offered in the File menu. */
class FolderOpenFxTest extends FxAppTestSupport {
    private static final Path DCP = Fixtures.ROOT.resolve("llm-folders/dcp-2ranks");
    private static final Path TRAINER = Fixtures.ROOT.resolve("llm-folders/checkpoint-3");

    @Test
    void droppingADcpFolderOpensItsAssembledTensors(FxRobot robot) {
        dropFiles(robot, stage.getScene().getRoot(), List.of(DCP.toFile()));
        waitFor(() -> window.workspace().primary() != null && idle());
        assertEquals(DCP, window.workspace().primary().file());
        assertEquals(CheckpointFolder.Kind.DCP,
                window.workspace().primary().checkpoint().folderRef().orElseThrow().kind());
        row("m.cols");
        screenshot(robot, "folder-dcp");
    }

    @Test
    void aTrainerFolderOpensAsOneCheckpointWithAPrefixPerFile(FxRobot robot) {
        open(robot, TRAINER);
        // the file pane names the folder's kind and the files read as its parts
        waitFor(() -> robot.lookup(n -> n instanceof javafx.scene.control.Labeled l && l.getText() != null
                && l.getText().startsWith("trainer-checkpoint: ") && l.getText().contains("optimizer.pt")).tryQuery()
                .isPresent());
        row("model.model.embed_tokens.weight");
        row("optimizer.state.0.exp_avg");
        row("rng_state.cpu");
        robot.interact(() -> stage.setWidth(1024));
        robot.interact(() -> stage.setHeight(700));
        screenshot(robot, "folder-trainer-1024x700");
    }

    @Test
    void fileMenuOffersOpenFolder(FxRobot robot) {
        MenuBar bar = robot.lookup("#menuBar").queryAs(MenuBar.class);
        List<String> items = bar.getMenus().get(0).getItems().stream().map(MenuItem::getText).toList();
        assertTrue(items.contains("Open Folder…"), items.toString());
    }
}
