package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TreeItem;
import org.ckptinspector.app.Formats;
import org.ckptinspector.app.SlimExport;
import org.ckptinspector.app.ValueTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

/**
 * The training views in the window, on make_training.py's AdamW checkpoint: the Contents tab with the summary and
 * the searchable values, a weight's optimizer moments, the model-only parameter count, a one-click export.
 */
class TrainingFxTest extends FxAppTestSupport {
    private static final Path ADAMW = Path.of("src/test/resources/training/torch-2.13/adamw.pt");
    private static final Path TRAINER = Path.of("src/test/resources/training/trainer/checkpoint-4-bin");

    @Test
    void theContentsTabShowsTheSummaryAndFindsValues(FxRobot robot) {
        open(robot, ADAMW);
        assertEquals(171, row("").getValue().aggregate().parameters(), "model.parameters() of make_training.py");
        robot.interact(() -> leftTabs(robot).getSelectionModel().select(1));
        waitFor(() -> robot.lookup("#contentsTable").tryQuery().isPresent());
        assertTrue(labelShown(robot, "171   (in model_state_dict)"));
        assertTrue(labelShown(robot, "3   (epoch)"));
        List<String> top = window.trainingPane().table().getRoot().getChildren().stream()
                .map(i -> i.getValue().name()).toList();
        assertTrue(top.containsAll(List.of("epoch", "args", "scheduler", "rng_state", "loss")), top.toString());
        robot.interact(() -> window.trainingPane().table().getRoot().getChildren().stream()
                .filter(i -> i.getValue().name().equals("args")).findFirst().orElseThrow().setExpanded(true));
        screenshot(robot, "contents");
        robot.interact(() -> window.trainingPane().searchField().setText("lr"));
        List<String> found = leaves(window.trainingPane().table().getRoot());
        assertTrue(found.contains("args.lr") && found.contains("scheduler.base_lrs.0") && !found.contains("epoch"),
                found.toString());
        screenshot(robot, "contents-search");
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        robot.interact(() -> window.trainingPane().searchField().setText(""));
        screenshot(robot, "contents-1024x700");
    }

    @Test
    void aWeightShowsItsOptimizerMomentsBesideIt(FxRobot robot) {
        open(robot, ADAMW);
        select(robot, "model_state_dict.fc2.weight");
        TabPane tabs = robot.lookup("#detailTabs").queryAs(TabPane.class);
        Tab optimizer = tabs.getTabs().stream().filter(t -> "optimizerTab".equals(t.getId())).findFirst()
                .orElseThrow();
        robot.interact(() -> tabs.getSelectionModel().select(optimizer));
        waitFor(() -> idle() && robot.lookup("#momentHistogram").queryAll().size() == 2);
        // make_training.py: fc2.weight is optimizer id 1 (decay group), so its moments are state.1's
        assertTrue(labelShown(robot, "optimizer_state_dict.state.1.exp_avg"));
        assertTrue(labelShown(robot, "optimizer_state_dict.state.1.exp_avg_sq"));
        screenshot(robot, "optimizer-moments");
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        screenshot(robot, "optimizer-moments-1024x700");
    }

    @Test
    void oneClickWritesTheModelWeightsOfATrainerFolder(FxRobot robot, @TempDir Path tmp) throws Exception {
        open(robot, TRAINER);
        robot.interact(() -> leftTabs(robot).getSelectionModel().select(1));
        Path out = tmp.resolve("weights.pth");
        robot.interact(() -> window.trainingPane().export(SlimExport.MODEL_WEIGHTS, out));
        waitFor(() -> idle() && window.trainingPane().exportResult().startsWith("Wrote"));
        assertTrue(Files.size(out) > 0);
        int expected = SlimExport.MODEL_WEIGHTS.keys(window.workspace().primary().checkpoint(),
                window.workspace().primary().training()).size();
        assertTrue(window.trainingPane().exportResult().startsWith("Wrote " + expected + " tensors"),
                window.trainingPane().exportResult());
        assertTrue(labelShown(robot, Formats.count(17_568) + "   (in model)"));
        screenshot(robot, "contents-trainer");
    }

    private static TabPane leftTabs(FxRobot robot) {
        return robot.lookup("#leftTabs").queryAs(TabPane.class);
    }

    private static boolean labelShown(FxRobot robot, String text) {
        return robot.lookup(n -> n instanceof Label l && text.equals(l.getText())).tryQuery().isPresent();
    }

    private static List<String> leaves(TreeItem<ValueTree> item) {
        List<String> out = new java.util.ArrayList<>();
        for (TreeItem<ValueTree> c : item.getChildren()) {
            if (c.getChildren().isEmpty()) {
                out.add(c.getValue().path());
            }
            out.addAll(leaves(c));
        }
        return out;
    }
}
