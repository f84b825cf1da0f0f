package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.trajectory.Metric;
import org.ckptinspector.trajectory.RunFiles;
import org.junit.jupiter.api.Test;

/** The Timeline's state on the real run make_trajectory_fixtures.py writes. */
class RunTimelineTest {
    private static final Path RUN = Path.of("src/test/resources/trajectory/run");

    private static RunTimeline model() throws IOException {
        return RunTimeline.compute(RunFiles.expand(List.of(RUN.toString())), 2, TaskMonitor.NONE);
    }

    @Test
    void selectionAndMetricChooseTheSeries() throws IOException {
        RunTimeline m = model();
        assertEquals("state_dict.embed", m.selected(), "the first module");
        m.select("state_dict.fc1.weight");
        m.setMetric(Metric.REL_PREV);
        double[] s = m.series();
        assertTrue(Double.isNaN(s[0]), "no previous step");
        double[] want = m.run().tensors().stream().filter(t -> t.key().equals("state_dict.fc1.weight")).findFirst()
                .orElseThrow().series().get(Metric.REL_PREV).stream()
                .mapToDouble(d -> d == null ? Double.NaN : d).toArray();
        assertArrayEquals(want, s);
        m.select("no.such.key");
        assertEquals("state_dict.fc1.weight", m.selected());
    }

    @Test
    void cellsShadeOnALogScaleAndOpenTheirTwoFiles() throws IOException {
        RunTimeline m = model();
        int embed = m.heatMap().rows().indexOf("state_dict.embed");
        int fc2 = m.heatMap().rows().indexOf("state_dict.fc2");
        assertEquals(0.0, m.shade(embed, 3), "a frozen module does not change");
        assertTrue(Double.isNaN(m.shade(fc2, 0)), "the first step has no previous one");
        double max = 0;
        for (int r = 0; r < m.heatMap().rows().size(); r++) {
            for (int s = 1; s < m.stepLabels().size(); s++) {
                double v = m.shade(r, s);
                assertTrue(Double.isNaN(v) || v >= 0 && v <= 1);
                max = Double.isNaN(v) ? max : Math.max(max, v);
            }
        }
        assertEquals(1.0, max, 1e-12, "the largest change is the darkest");
        assertEquals(List.of(m.run().steps().get(1).file(), m.run().steps().get(2).file()),
                m.comparison(2).orElseThrow());
        assertTrue(m.comparison(0).isEmpty());
        assertTrue(m.describe(embed, 2).contains("frozen"), m.describe(embed, 2));
        assertEquals(List.of("state_dict.embed.weight"), m.frozenTensors());
        assertEquals(List.of(new RunTimeline.Nonfinite("state_dict.fc1.weight", 4)), m.nonfiniteTensors());
    }
}
