package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import org.ckptinspector.app.PreviewGrid;
import org.ckptinspector.app.TensorSlice;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.robot.Motion;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Tensors of rank 3 and more in the real window: a chosen plane of a convolution weight, "go to index", the heat
 * map's readout and zoom, and a 0-dim tensor's value. Expected values come from the file through the core reader.
 */
class NdTensorFxTest extends FxAppTestSupport {
    private static final Path CONVNET = Path.of("src/test/resources/gui/convnet.pt");

    @Test
    void aConvolutionWeightShowsTheChosenPlane(FxRobot robot) throws Exception {
        open(robot, CONVNET);
        select(robot, "conv1.weight");
        showTab(robot, "valuesTab");
        waitFor(() -> robot.lookup("#valueGrid").tryQuery().isPresent());
        Label caption = robot.lookup("#valueCaption").queryAs(Label.class);
        assertTrue(caption.getText().startsWith("[0, 0, :, :]  ·  7 rows × 7 columns"), caption.getText());
        // Out channels down, in channels across, at kernel position (3, 4).
        robot.interact(() -> robot.lookup("#sliceRows").queryAs(ComboBox.class).setValue(0));
        robot.interact(() -> robot.lookup("#sliceCols").queryAs(ComboBox.class).setValue(1));
        spin(robot, "#sliceIndex2", 3);
        spin(robot, "#sliceIndex3", 4);
        assertTrue(caption.getText().startsWith("[:, :, 3, 4]  ·  64 rows × 3 columns"), caption.getText());
        TensorRef t = tensor("conv1.weight");
        ValueReader reader = ValueReader.of(t);
        long[] shape = t.shape();

        Node grid = robot.lookup("#valueGrid").query();
        robot.moveTo(grid, Pos.TOP_LEFT, new Point2D(60, 30), Motion.DIRECT).clickOn(MouseButton.PRIMARY)
                .press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        String[] lines = WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()).get()
                .split("\n");
        assertEquals(64, lines.length, "Ctrl+C copies the whole plane: one line per out channel");
        for (int o = 0; o < lines.length; o++) {
            String[] cells = lines[o].split("\t");
            assertEquals(3, cells.length, "in channels");
            for (int i = 0; i < 3; i++) {
                double v = reader.read(TensorSlice.flatOf(shape, new long[] {o, i, 3, 4}), 1)[0];
                assertEquals(PreviewGrid.exact(v, t.dtype()), cells[i], "[" + o + ", " + i + ", 3, 4]");
            }
        }
        // Pointing at the fifth row's last column names that element and its value.
        Label pointed = robot.lookup("#valuePointed").queryAs(Label.class);
        robot.moveTo(grid, Pos.TOP_LEFT, new Point2D(grid.getLayoutBounds().getWidth() - 30, 24 * 5 + 12),
                Motion.DIRECT);
        waitFor(() -> pointed.getText().startsWith("[4, 2, 3, 4] = "));
        double v = reader.read(TensorSlice.flatOf(shape, new long[] {4, 2, 3, 4}), 1)[0];
        assertEquals("[4, 2, 3, 4] = " + PreviewGrid.exact(v, t.dtype()), pointed.getText());
        screenshot(robot, "nd-sliced-conv-1280");
        resize(robot, 1024, 700);
        screenshot(robot, "nd-sliced-conv-1024");
        // Narrowed with the values shown, the tree still shows every text whole (the file row's OrderedDict too).
        List<String> elided = new ArrayList<>();
        inspectLaidOut(robot, root -> NothingElidedFxTest.collect(window.tree().view(),
                root.localToScene(root.getLayoutBounds()), "tree at 1024", elided));
        assertEquals(List.of(), elided);
    }

    @Test
    void goToIndexReachesALateElement(FxRobot robot) throws Exception {
        open(robot, CONVNET);
        select(robot, "fc.weight");
        showTab(robot, "valuesTab");
        waitFor(() -> robot.lookup("#valueGrid").tryQuery().isPresent());
        goTo(robot, "[199, 127]");
        TensorRef fc = tensor("fc.weight");
        double last = ValueReader.of(fc).read(fc.numel() - 1, 1)[0];
        Label pointed = robot.lookup("#valuePointed").queryAs(Label.class);
        assertEquals("[199, 127] = " + PreviewGrid.exact(last, fc.dtype()), pointed.getText());
        screenshot(robot, "nd-go-to-index");

        // A row-major position in a 4-D weight moves the slice to the element's kernel.
        select(robot, "conv1.weight");
        showTab(robot, "valuesTab");
        waitFor(() -> robot.lookup("#valueGrid").tryQuery().isPresent());
        goTo(robot, "5000");
        TensorRef conv = tensor("conv1.weight");
        long[] index = TensorSlice.unflatten(conv.shape(), 5000);
        String caption = robot.lookup("#valueCaption").queryAs(Label.class).getText();
        assertTrue(caption.startsWith("[" + index[0] + ", " + index[1] + ", :, :]"), caption);
        double v = ValueReader.of(conv).read(5000, 1)[0];
        assertEquals(java.util.Arrays.toString(index) + " = " + PreviewGrid.exact(v, conv.dtype()),
                pointed(robot).getText());
        assertEquals((int) index[0], robot.lookup("#sliceIndex0").queryAs(Spinner.class).getValue());
    }

    @Test
    void theHeatMapReadoutNamesTheHoveredIndexAndValueAndZoomKeepsIt(FxRobot robot) throws Exception {
        open(robot, CONVNET);
        select(robot, "conv1.weight");
        showTab(robot, "heatMapTab");
        waitFor(() -> robot.lookup("#heatMap").tryQuery().isPresent());
        Label caption = robot.lookup("#heatCaption").queryAs(Label.class);
        assertTrue(caption.getText().startsWith("64 × 3 kernels of 7 × 7"), caption.getText());
        TensorRef t = tensor("conv1.weight");
        ValueReader reader = ValueReader.of(t);
        Node map = robot.lookup("#heatMap").query();
        Label readout = robot.lookup("#heatReadout").queryAs(Label.class);
        Pattern p = Pattern.compile("\\[(\\d+), (\\d+), (\\d+), (\\d+)] = (\\S+)");
        // Inside the first kernel (the map starts right of the row ticks and below the column ticks).
        robot.moveTo(map, Pos.TOP_LEFT, new Point2D(60, 28), Motion.DIRECT);
        waitFor(() -> p.matcher(readout.getText()).matches());
        assertReadout(p.matcher(readout.getText()), reader, t);
        Matcher first = p.matcher(readout.getText());
        assertTrue(first.matches());
        assertEquals("0", first.group(1), readout.getText());
        screenshot(robot, "nd-heat-map-readout-1280");

        robot.clickOn("#heatZoomIn").clickOn("#heatZoomIn");
        robot.moveTo(map, Pos.CENTER, new Point2D(3, 3), Motion.DIRECT);
        waitFor(() -> p.matcher(readout.getText()).matches());
        assertReadout(p.matcher(readout.getText()), reader, t);
        screenshot(robot, "nd-heat-map-zoomed-1280");
        resize(robot, 1024, 700);
        hoverAValue(robot, map, readout, p);
        assertReadout(p.matcher(readout.getText()), reader, t);
        screenshot(robot, "nd-heat-map-readout-1024");
        robot.interact(() -> robot.lookup("#heatZoomFit").queryAs(Button.class).fire());

        // One plane instead of the kernels: dims 2 and 3 of out channel 37, in channel 0.
        robot.interact(() -> robot.lookup("#heatMode").queryAs(ChoiceBox.class).setValue("Plane"));
        waitFor(() -> caption.getText().startsWith("7 rows (dim 2) × 7 columns (dim 3)") && idle());
        robot.interact(() -> ((Spinner<Integer>) robot.lookup("#heatSlice #sliceIndex0").queryAs(Spinner.class))
                .getValueFactory().setValue(37));
        waitFor(this::idle);
        robot.moveTo(map, Pos.CENTER, new Point2D(0, 0), Motion.DIRECT);
        waitFor(() -> readout.getText().startsWith("[37, 0, "));
        assertReadout(p.matcher(readout.getText()), reader, t);
    }

    @Test
    void aZeroDimTensorShowsItsValueNotAHistogram(FxRobot robot) throws Exception {
        open(robot, CONVNET);
        select(robot, "bn1.num_batches_tracked");
        waitFor(() -> robot.lookup("#singleValue").tryQuery().isPresent());
        TensorRef n = tensor("bn1.num_batches_tracked");
        long value = (long) ValueReader.head(n, 1)[0];
        assertEquals(Long.toString(value), robot.lookup("#singleValue").queryAs(Label.class).getText());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#histogram").tryQuery().isEmpty(), "no histogram of one value");
        assertTrue(robot.lookup("#valuesTab").tryQuery().isEmpty());
        screenshot(robot, "nd-scalar");
    }

    /**
     * Moves the pointer to points near the map's centre until the readout names a value: the kernels are drawn with
     * gaps between them, and where those fall depends on the window's width.
     */
    private static void hoverAValue(FxRobot robot, Node map, Label readout, Pattern p) {
        int[][] offsets = {{-7, 5}, {0, 0}, {4, 4}, {-4, -4}, {9, 0}, {0, 9}, {-9, 0}, {0, -9}};
        for (int[] o : offsets) {
            robot.moveTo(map, Pos.CENTER, new Point2D(o[0], o[1]), Motion.DIRECT);
            WaitForAsyncUtils.waitForFxEvents();
            if (p.matcher(readout.getText()).matches()) {
                return;
            }
        }
        throw new AssertionError("no value under the pointer near the heat map's centre: " + readout.getText());
    }

    private static void assertReadout(Matcher m, ValueReader reader, TensorRef t) throws Exception {
        assertTrue(m.matches());
        long[] index = new long[4];
        for (int i = 0; i < 4; i++) {
            index[i] = Long.parseLong(m.group(i + 1));
        }
        double v = reader.read(TensorSlice.flatOf(t.shape(), index), 1)[0];
        assertEquals(PreviewGrid.exact(v, t.dtype()), m.group(5), java.util.Arrays.toString(index));
    }

    private TensorRef tensor(String key) {
        return window.workspace().primary().checkpoint().tensor(key).orElseThrow();
    }

    private static Label pointed(FxRobot robot) {
        return robot.lookup("#valuePointed").queryAs(Label.class);
    }

    private void showTab(FxRobot robot, String id) {
        TabPane tabs = robot.lookup("#detailTabs").queryAs(TabPane.class);
        Tab tab = tabs.getTabs().stream().filter(x -> id.equals(x.getId())).findFirst().orElseThrow();
        robot.interact(() -> tabs.getSelectionModel().select(tab));
    }

    private static void spin(FxRobot robot, String id, int value) {
        Spinner<?> s = robot.lookup(id).queryAs(Spinner.class);
        robot.interact(() -> ((Spinner<Integer>) s).getValueFactory().setValue(value));
    }

    private static void goTo(FxRobot robot, String text) {
        TextField field = robot.lookup("#goToIndex").queryAs(TextField.class);
        robot.clickOn(field).write(text).type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void resize(FxRobot robot, double w, double h) {
        robot.interact(() -> {
            stage.setWidth(w);
            stage.setHeight(h);
        });
        WaitForAsyncUtils.waitForFxEvents();
    }
}
