package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.DiffStatus;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.stats.StatsOptions;
import org.ckptinspector.stats.TensorStatistics;
import org.ckptinspector.stats.TensorStats;
import org.ckptinspector.task.TaskMonitor;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.robot.Motion;
import org.testfx.util.WaitForAsyncUtils;

/** The detail pane's statistics, histogram, values and heat map, and diff mode against torch's verdicts. */
class DetailAndDiffFxTest extends FxAppTestSupport {
    private static final Path SIMPLE = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");
    private static final Path DIFF_DIR = Path.of("src/test/resources/diff");

    @Test
    void histogramCountsAreTheStatisticsOfTheSelectedTensor(FxRobot robot) throws Exception {
        open(robot, SIMPLE);
        select(robot, "fc1.weight");
        waitFor(() -> robot.lookup("#histogram").tryQuery().isPresent());
        ChartViewer viewer = robot.lookup("#histogram").queryAs(ChartViewer.class);
        XYIntervalSeriesCollection data = (XYIntervalSeriesCollection) viewer.getChart().getXYPlot().getDataset();
        long[] shown = new long[data.getItemCount(0)];
        for (int i = 0; i < shown.length; i++) {
            shown[i] = (long) data.getYValue(0, i);
        }
        TensorRef t = window.workspace().primary().checkpoint().tensor("fc1.weight").orElseThrow();
        int bins = (int) Math.max(5, Math.min(StatsOptions.DEFAULT_BINS, t.numel() / 4));
        TensorStats stats = TensorStatistics.compute(t, StatsOptions.DEFAULT.withBins(bins), TaskMonitor.NONE);
        assertArrayEquals(stats.histogram().counts(), shown);
        JsonNode truth = manifestTensor("safetensors/simple_model.safetensors", "fc1.weight").get("stats");
        assertEquals(truth.get("finite_count").asLong(), Arrays.stream(shown).sum());
        assertEquals(truth.get("min").asDouble(), data.getStartXValue(0, 0), 1e-7);
        assertEquals(truth.get("max").asDouble(), data.getEndXValue(0, shown.length - 1), 1e-7);
        screenshot(robot, "03-tree-histogram");
    }

    @Test
    void valuesTabShowsEveryValueAsTorchSavedItAndHeatMapHasOneCellPerValue(FxRobot robot) throws Exception {
        open(robot, SIMPLE);
        select(robot, "fc1.weight");
        TabPane tabs = robot.lookup("#detailTabs").queryAs(TabPane.class);
        robot.interact(() -> tabs.getSelectionModel().select(1));
        waitFor(() -> robot.lookup("#valueGrid").tryQuery().isPresent());
        Node grid = robot.lookup("#valueGrid").query();
        // The preview of a [5, 10] weight holds all of it: copied in full precision, its float32 bytes are the
        // ones torch saved.
        robot.moveTo(grid, Pos.TOP_LEFT, new Point2D(6, 6), Motion.DIRECT).clickOn(MouseButton.PRIMARY)
                .press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        Label pointed = robot.lookup("#valuePointed").queryAs(Label.class);
        String[] lines = WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()).get()
                .split("\n");
        assertEquals(5, lines.length, "rows of a [5, 10] weight");
        ByteBuffer bytes = ByteBuffer.allocate(50 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (String line : lines) {
            String[] cells = line.split("\t");
            assertEquals(10, cells.length, "columns of a [5, 10] weight");
            for (String c : cells) {
                bytes.putFloat(Float.parseFloat(c));
            }
        }
        JsonNode truth = manifestTensor("safetensors/simple_model.safetensors", "fc1.weight");
        assertEquals(truth.get("sha256").asText(), HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(bytes.array())));
        // Pointing at a cell of the third row (below the 24 px header) names it and its full value.
        robot.moveTo(grid, Pos.TOP_LEFT, new Point2D(grid.getLayoutBounds().getWidth() / 2, 24 * 3 + 12),
                Motion.DIRECT);
        waitFor(() -> !pointed.getText().startsWith("Copied"));
        Matcher m = Pattern.compile("\\[2, (\\d+)] = (.+)").matcher(pointed.getText());
        assertTrue(m.matches(), pointed.getText());
        assertEquals(lines[2].split("\t")[Integer.parseInt(m.group(1))], m.group(2));
        screenshot(robot, "06-values");
        robot.interact(() -> tabs.getSelectionModel().select(2));
        waitFor(() -> robot.lookup("#heatMap").tryQuery().isPresent());
        Node heat = robot.lookup("#heatMap").query();
        int[] cells = (int[]) heat.getUserData();
        assertArrayEquals(new int[] {10, 5}, cells, "one cell per value of a [5, 10] weight");
        screenshot(robot, "07-heat-map");
    }

    @Test
    void diffModeMarksEveryKeyAsTorchSaysAndShowsTheLoadStateDictError(FxRobot robot) throws Exception {
        JsonNode pair = pair("values");
        Path a = DIFF_DIR.resolve(pair.get("a").asText());
        Path b = DIFF_DIR.resolve(pair.get("b").asText());
        open(robot, a);
        robot.interact(() -> robot.lookup("#alignPrefixes").queryAs(CheckBox.class).setSelected(false));
        robot.interact(() -> window.workspace().compareWith(b));
        waitFor(() -> robot.lookup("#diffPanel").query().isVisible() && idle());

        pair.get("only_in_a").forEach(k -> assertStatus(k.asText(), DiffStatus.ONLY_IN_A));
        pair.get("only_in_b").forEach(k -> assertStatus(k.asText(), DiffStatus.ONLY_IN_B));
        pair.get("shape_mismatch").forEach(k -> assertStatus(k.asText(), DiffStatus.SHAPE_MISMATCH));
        pair.get("keys").fields().forEachRemaining(e -> {
            boolean dtype = false;
            for (JsonNode d : pair.get("dtype_mismatch")) {
                dtype |= d.asText().equals(e.getKey());
            }
            DiffStatus expected = e.getValue().isTextual() ? DiffStatus.IDENTICAL
                    : dtype ? DiffStatus.DTYPE_MISMATCH : DiffStatus.CHANGED;
            assertStatus(e.getKey(), expected);
        });
        assertStatus("layer2", DiffStatus.CHANGED);
        var counts = window.comparisonState().counts();
        assertEquals(pair.get("only_in_a").size(), counts.get(DiffStatus.ONLY_IN_A));
        assertEquals(pair.get("shape_mismatch").size(), counts.get(DiffStatus.SHAPE_MISMATCH));
        assertStatus("layer1", DiffStatus.CHANGED);

        // A safetensors file does not name its model class; the app names the model after B's file instead.
        String model = "for " + window.comparisonState().result().modelClass() + ":";
        assertEquals("values_b", window.comparisonState().result().modelClass());
        String modelInTorch = "for " + pair.get("model_class").asText() + ":";
        TextArea text = robot.lookup("#lsdText").queryAs(TextArea.class);
        assertEquals("RuntimeError: " + pair.get("load_state_dict").get("strict_error").asText()
                .replace(modelInTorch, model), text.getText());
        robot.interact(() -> robot.lookup("#strictToggle").queryAs(CheckBox.class).fire());
        assertEquals("RuntimeError: " + pair.get("load_state_dict").get("non_strict_error").asText()
                .replace(modelInTorch, model), text.getText());
        robot.interact(() -> robot.lookup("#strictToggle").queryAs(CheckBox.class).fire());

        select(robot, "layer1.weight");
        waitFor(() -> robot.lookup("#histogram").tryQuery().isPresent());
        ChartViewer viewer = robot.lookup("#histogram").queryAs(ChartViewer.class);
        assertEquals(2, viewer.getChart().getXYPlot().getDataset().getSeriesCount(), "A and B overlaid");
        screenshot(robot, "04-diff");

        robot.interact(() -> robot.lookup("#differencesOnly").queryAs(CheckBox.class).setSelected(true));
        assertTrue(shownTensorKeys().stream().noneMatch(k -> k.equals("layer1.bias")), "identical rows hidden");
        assertTrue(shownTensorKeys().contains("only.in_b"));
    }

    @Test
    void droppingASecondFileOnAnOpenOneComparesThem(FxRobot robot) {
        JsonNode pair = pair("values");
        open(robot, DIFF_DIR.resolve(pair.get("a").asText()));
        File b = DIFF_DIR.resolve(pair.get("b").asText()).toFile();
        dropFiles(robot, stage.getScene().getRoot(), java.util.List.of(
                DIFF_DIR.resolve(pair.get("a").asText()).toFile(), b));
        waitFor(() -> window.workspace().comparison() != null && idle()
                && robot.lookup("#diffPanel").query().isVisible());
        assertStatus("only.in_b", DiffStatus.ONLY_IN_B);
    }

    private void assertStatus(String key, DiffStatus expected) {
        LayerNode n = find(window.tree().view().getRoot(), key) == null ? null
                : find(window.tree().view().getRoot(), key).getValue();
        assertNotNull(n, "row " + key);
        assertEquals(expected, window.comparisonState().status(n), key);
    }

    static JsonNode pair(String name) {
        try {
            for (JsonNode p : new ObjectMapper().readTree(DIFF_DIR.resolve("expected.json").toFile()).get("pairs")) {
                if (p.get("name").asText().equals(name)) {
                    return p;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no pair " + name);
    }

    static JsonNode manifestTensor(String file, String key) {
        for (JsonNode t : OpenAndBrowseFxTest.manifestEntry(file).get("tensors")) {
            if (t.get("path_str").asText().equals(key)) {
                return t;
            }
        }
        throw new AssertionError("no tensor " + key);
    }
}
