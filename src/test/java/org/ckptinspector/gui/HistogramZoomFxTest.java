package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.ckptinspector.Fixtures;
import org.controlsfx.control.RangeSlider;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.fx.ChartViewer;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The range slider under the histogram zooms its value axis, and back out. */
class HistogramZoomFxTest extends FxAppTestSupport {
    private static final Path SIMPLE = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");

    @Test
    void theSliderZoomsTheValueAxisAndBothEndsOutShowTheWholeRange(FxRobot robot) {
        open(robot, SIMPLE);
        select(robot, "fc1.weight");
        waitFor(() -> robot.lookup("#histogramZoom").tryQuery().isPresent());
        RangeSlider slider = robot.lookup("#histogramZoom").queryAs(RangeSlider.class);
        ValueAxis axis = robot.lookup("#histogram").queryAs(ChartViewer.class).getChart().getXYPlot()
                .getDomainAxis();
        JsonNode truth = OpenAndBrowseFxTest.manifestEntry("safetensors/simple_model.safetensors").get("tensors");
        double min = 0;
        double max = 0;
        for (JsonNode t : truth) {
            if (t.get("path_str").asText().equals("fc1.weight")) {
                min = t.get("stats").get("min").asDouble();
                max = t.get("stats").get("max").asDouble();
            }
        }
        assertTrue(axis.getLowerBound() <= min && axis.getUpperBound() >= max, "the whole range at first");
        double margin = (max - min) * 0.1;
        assertTrue(slider.getMin() <= min && slider.getMin() >= min - margin
                && slider.getMax() >= max && slider.getMax() <= max + margin, "the slider spans the axis's values");

        robot.interact(() -> {
            slider.setHighValue(0.1);
            slider.setLowValue(-0.1);
        });
        assertEquals(-0.1, axis.getLowerBound(), 1e-12);
        assertEquals(0.1, axis.getUpperBound(), 1e-12);
        screenshot(robot, "13-histogram-zoom");

        robot.interact(() -> {
            slider.setLowValue(slider.getMin());
            slider.setHighValue(slider.getMax());
        });
        assertTrue(axis.getLowerBound() <= min && axis.getUpperBound() >= max, "the whole range again");
    }
}
