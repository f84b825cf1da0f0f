package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Point2D;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import javax.imageio.ImageIO;
import org.ckptinspector.app.RunTimeline;
import org.ckptinspector.gui.timeline.ChangeHeatMap;
import org.ckptinspector.gui.timeline.TimelineWindow;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.trajectory.Metric;
import org.ckptinspector.trajectory.RunFiles;
import org.ckptinspector.trajectory.Series;
import org.ckptinspector.trajectory.Trajectory;
import org.ckptinspector.trajectory.TrajectoryResult;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Timeline of the real Adam run that make_trajectory_fixtures.py trains with torch 2.13 (a frozen embedding,
 * a NaN injected at one step): dropped as a folder, its chart shows torch's figures, the frozen tensor and the
 * NaN step are marked, and a heat-map cell opens the comparison of its two checkpoints.
 */
class TimelineFxTest extends FxAppTestSupport {
    private static final Path DIR = Path.of("src/test/resources/trajectory");
    private static final Path RUN = DIR.resolve("run");
    private static final Color NONFINITE = Color.web("#d0342c");

    private static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile()).get("run");
    }

    private TimelineWindow dropRun(FxRobot robot) {
        dropFiles(robot, stage.getScene().getRoot(), List.of(RUN.toFile()));
        waitFor(() -> window.timelines().shown() != null && idle());
        TimelineWindow tw = window.timelines().shown();
        waitFor(() -> tw.stage().isShowing());
        return tw;
    }

    @Test
    void theChartShowsTorchsFiguresForEveryTensorModuleAndMetric(FxRobot robot) throws IOException {
        TimelineWindow tw = dropRun(robot);
        JsonNode m = manifest();
        TrajectoryResult core = Trajectory.compute(RunFiles.expand(List.of(RUN.toString())), 2, TaskMonitor.NONE);
        @SuppressWarnings("unchecked")
        ListView<RunTimeline.Entry> list = robot.lookup("#timelineEntries").queryAs(ListView.class);
        @SuppressWarnings("unchecked")
        ChoiceBox<Metric> metrics = robot.lookup("#metricChoice").queryAs(ChoiceBox.class);
        assertEquals(m.get("tensors").size() + m.get("modules").size(), list.getItems().size());
        int checked = 0;
        for (RunTimeline.Entry e : list.getItems()) {
            JsonNode truth = find(m, e);
            Series coreSeries = e.module()
                    ? core.modules().stream().filter(x -> x.module().equals(e.name())).findFirst().orElseThrow()
                            .series()
                    : core.tensors().stream().filter(x -> x.key().equals(e.name())).findFirst().orElseThrow()
                            .series();
            robot.interact(() -> list.getSelectionModel().select(e));
            for (Metric metric : Metric.values()) {
                robot.interact(() -> metrics.setValue(metric));
                XYDataset shown = tw.chartViewer().getChart().getXYPlot().getDataset();
                JsonNode want = truth.get(metric.id());
                assertEquals(want.size(), shown.getItemCount(0), e.name() + " " + metric.id());
                for (int i = 0; i < want.size(); i++) {
                    double got = shown.getYValue(0, i);
                    String where = e.name() + " " + metric.id() + "[" + i + "]";
                    Double fromCore = coreSeries.at(metric, i);
                    if (want.get(i).isNull()) {
                        assertTrue(Double.isNaN(got), where + " is a gap, not " + got);
                        assertEquals(null, fromCore, where);
                        continue;
                    }
                    assertEquals(fromCore, got, 0.0, where + " equals the CLI's figure");
                    double w = want.get(i).asDouble();
                    assertTrue(Math.abs(got - w) <= 1e-9 * Math.abs(w), where + ": " + got + " vs torch " + w);
                    checked++;
                }
            }
        }
        assertTrue(checked > 200, "figures checked: " + checked);
    }

    @Test
    void frozenTensorsAndTheNanStepAreShownAndACellOpensItsComparison(FxRobot robot) throws IOException {
        TimelineWindow tw = dropRun(robot);
        JsonNode m = manifest();
        int nanStep = m.get("nan_step").asInt();
        String nanLabel = m.get("steps").get(nanStep).asText();
        String frozenKey = m.get("frozen").get(0).asText();

        String frozen = robot.lookup("#frozenSummary").queryAs(Label.class).getText();
        assertTrue(frozen.contains(frozenKey) && frozen.contains(", 1:"), frozen);
        String nonfinite = robot.lookup("#nonfiniteSummary").queryAs(Label.class).getText();
        assertTrue(nonfinite.contains("state_dict.fc1.weight — step " + nanLabel), nonfinite);
        // the list marks them too
        assertTrue(robot.lookup(".timeline-frozen-chip").queryAll().size() >= 2, "tensor and module rows");
        assertTrue(robot.lookup(n -> n instanceof Label l && ("NaN/Inf @ " + nanLabel).equals(l.getText()))
                .tryQuery().isPresent());

        // the chart of fc1.weight marks the NaN step
        @SuppressWarnings("unchecked")
        ListView<RunTimeline.Entry> list = robot.lookup("#timelineEntries").queryAs(ListView.class);
        robot.interact(() -> list.getSelectionModel().select(list.getItems().stream()
                .filter(e -> e.name().equals("state_dict.fc1.weight")).findFirst().orElseThrow()));
        XYPlot plot = tw.chartViewer().getChart().getXYPlot();
        assertEquals(1, plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size());
        ValueMarker marker = (ValueMarker) plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND)
                .iterator().next();
        assertEquals(nanStep, marker.getValue());

        // the heat map's fc1 row is red at the NaN step, as drawn
        ChangeHeatMap heat = tw.heatMap();
        int fc1 = tw.model().heatMap().rows().indexOf("state_dict.fc1");
        assertEquals(NONFINITE, pixel(robot, heat, fc1, nanStep));
        assertTrue(!NONFINITE.equals(pixel(robot, heat, fc1, nanStep - 1)));

        screenshot(robot, tw, "timeline");
        robot.interact(() -> {
            tw.stage().setWidth(1024);
            tw.stage().setHeight(700);
        });
        screenshot(robot, tw, "timeline-1024x700");

        // a click on a cell compares that step's file (B) with the one before (A)
        int step = 3;
        Point2D at = heat.canvas().localToScreen(heat.cellCenter(fc1, step));
        robot.moveTo(at);
        waitFor(() -> robot.lookup("#heatReadout").queryAs(Label.class).getText().startsWith("state_dict.fc1"));
        robot.clickOn(at);
        List<String> files = List.of(m.get("files").get(step - 1).asText(), m.get("files").get(step).asText());
        waitFor(() -> window.workspace().comparison() != null && idle());
        assertEquals(files.get(0), window.workspace().primary().file().getFileName().toString());
        assertEquals(files.get(1), window.workspace().comparison().file().getFileName().toString());
    }

    private static Color pixel(FxRobot robot, ChangeHeatMap heat, int row, int step) {
        AtomicReference<WritableImage> img = new AtomicReference<>();
        robot.interact(() -> img.set(heat.canvas().snapshot(null, null)));
        Point2D c = heat.cellCenter(row, step);
        return img.get().getPixelReader().getColor((int) c.getX(), (int) c.getY() - 6);
    }

    private static JsonNode find(JsonNode manifest, RunTimeline.Entry e) {
        for (JsonNode n : manifest.get(e.module() ? "modules" : "tensors")) {
            if (n.get(e.module() ? "module" : "key").asText().equals(e.name())) {
                return n;
            }
        }
        throw new AssertionError("torch's manifest has no " + e.name());
    }

    private static void screenshot(FxRobot robot, TimelineWindow tw, String name) throws IOException {
        WaitForAsyncUtils.waitForFxEvents();
        AtomicReference<WritableImage> img = new AtomicReference<>();
        robot.interact(() -> img.set(tw.stage().getScene().snapshot(null)));
        Files.createDirectories(SCREENSHOTS);
        ImageIO.write(SwingFXUtils.fromFXImage(img.get(), null), "png", SCREENSHOTS.resolve(name + ".png").toFile());
    }
}
