package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuButton;
import javafx.scene.control.ToggleButton;
import org.ckptinspector.Fixtures;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** View › Collapse Repeated Blocks on a 32-layer Llama, and the Dequantized / Raw codes switch of an fp8 weight. */
class BlocksAndScalesFxTest extends FxAppTestSupport {
    private static final Path LLAMA = Fixtures.ROOT.resolve("blocks/llama32.safetensors");
    private static final Path FP8 = Fixtures.ROOT.resolve("fp8/block.safetensors");

    @Test
    void collapsedLayersShowOnePatternRowAndLayer7(FxRobot robot) {
        open(robot, LLAMA);
        assertEquals(32, row("model.layers").getChildren().size());
        CheckMenuItem item = robot.lookup("#menuBar").queryAs(MenuBar.class).getMenus().stream()
                .flatMap(m -> m.getItems().stream()).filter(i -> "collapseBlocks".equals(i.getId()))
                .map(CheckMenuItem.class::cast).findFirst().orElseThrow();
        robot.interact(() -> {
            item.setSelected(true);
            item.fire();
        });
        waitFor(() -> find(window.tree().view().getRoot(), "model.layers.{0..31}") != null);
        List<String> names = row("model.layers").getChildren().stream().map(c -> c.getValue().name()).toList();
        assertEquals(List.of("{0..31} × 32", "7"), names);
        robot.interact(() -> {
            row("model.layers").setExpanded(true);
            row("model.layers.{0..31}").setExpanded(true);
            row("model.layers.{0..31}.mlp").setExpanded(true);
            row("model.layers.7").setExpanded(true);
            row("model.layers.7.mlp").setExpanded(true);
        });
        select(robot, "model.layers.{0..31}");
        screenshot(robot, "collapsed-layers");
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        select(robot, "model.layers.7.mlp.up_proj.weight");
        screenshot(robot, "collapsed-layers-1024");
        robot.interact(() -> {
            item.setSelected(false);
            item.fire();
        });
        waitFor(() -> find(window.tree().view().getRoot(), "model.layers.{0..31}") == null);
        assertEquals(32, row("model.layers").getChildren().size());
    }

    @Test
    void anFp8WeightShowsDequantizedValuesAndItsRawCodesOnRequest(FxRobot robot) throws Exception {
        JsonNode m = new ObjectMapper().readTree(Fixtures.ROOT.resolve("fp8/manifest.json").toFile())
                .get("files").get("block.safetensors").get("weights").get("l.weight");
        open(robot, FP8);
        select(robot, "l.weight");
        waitFor(() -> robot.lookup("#histogram").tryQuery().isPresent());
        assertEquals(m.get("dequantized").get("min").asDouble(), histogramMin(robot), 1e-7);
        assertTrue(robot.lookup("#scaleDequantized").queryAs(ToggleButton.class).isSelected());
        screenshot(robot, "fp8-dequantized");
        robot.clickOn("#scaleRaw");
        waitFor(() -> robot.lookup("#scaleRaw").tryQueryAs(ToggleButton.class).map(ToggleButton::isSelected)
                .orElse(false) && robot.lookup("#histogram").tryQuery().isPresent()
                && Math.abs(histogramMin(robot) - m.get("raw").get("min").asDouble()) < 1e-9);
        assertFalse(robot.lookup("#scaleDequantized").queryAs(ToggleButton.class).isSelected());
        screenshot(robot, "fp8-raw");
    }

    /** A dtype's name keeps its underscore in the filter's menu and on the menu button once chosen. */
    @Test
    void theDtypeFilterShowsFloat8NamesWhole(FxRobot robot) {
        open(robot, FP8);
        robot.clickOn("#dtypeMenu");
        waitFor(() -> robot.lookup(".menu-item .label").queryAll().stream().anyMatch(n -> n.isVisible()));
        List<String> items = new java.util.ArrayList<>();
        robot.interact(() -> robot.lookup(".menu-item .label").queryAll().forEach(n -> items.add(drawn(n))));
        assertTrue(items.contains("float8_e4m3fn"), "menu items drawn as " + items);
        MenuButton menu = robot.lookup("#dtypeMenu").queryAs(MenuButton.class);
        robot.interact(() -> {
            menu.getItems().stream().filter(i -> "float8_e4m3fn".equals(i.getText())).map(CheckMenuItem.class::cast)
                    .findFirst().orElseThrow().setSelected(true);
            menu.hide();
        });
        waitFor(() -> find(window.tree().view().getRoot(), "norm.weight") == null);
        String[] shown = new String[1];
        robot.interact(() -> shown[0] = drawn(menu));
        assertEquals("float8_e4m3fn", shown[0]);
        assertTrue(find(window.tree().view().getRoot(), "l.weight") != null, "the float8 weight is left");
        screenshot(robot, "fp8-dtype-filter");
    }

    private static double histogramMin(FxRobot robot) {
        ChartViewer viewer = robot.lookup("#histogram").queryAs(ChartViewer.class);
        XYIntervalSeriesCollection data = (XYIntervalSeriesCollection) viewer.getChart().getXYPlot().getDataset();
        return data.getItemCount(0) == 0 ? Double.NaN : data.getStartXValue(0, 0);
    }
}
