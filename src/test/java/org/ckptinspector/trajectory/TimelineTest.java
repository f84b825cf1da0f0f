package org.ckptinspector.trajectory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Timeline's model on the real run: series for the chart, the module × step heat map, a cell's two files. */
class TimelineTest {

    @Test
    void heatMapHoldsEveryModuleAtEveryStep() throws IOException {
        JsonNode m = TrajectoryTest.manifest();
        TrajectoryResult run = TrajectoryTest.run(2);
        Timeline timeline = new Timeline(run);
        Timeline.HeatMap map = timeline.heatMap(Metric.REL_PREV);
        assertEquals(List.of("state_dict.embed", "state_dict.fc1", "state_dict.fc2", "state_dict.head2"), map.rows());
        assertEquals(List.of("0", "10", "20", "30", "40", "50", "60"), map.columns());
        for (int r = 0; r < map.rows().size(); r++) {
            JsonNode expected = m.get("modules").get(r).get("rel_prev");
            for (int step = 0; step < 7; step++) {
                if (expected.get(step).isNull()) {
                    assertTrue(Double.isNaN(map.at(r, step)), map.rows().get(r) + " " + step);
                } else {
                    assertEquals(expected.get(step).asDouble(), map.at(r, step),
                            1e-9 * expected.get(step).asDouble());
                }
            }
        }
        assertEquals(0.0, map.min()); // the frozen embedding
        assertTrue(map.max() > 0.3 && map.max() < 1);
    }

    @Test
    void seriesOfATensorOrAModule() throws IOException {
        Timeline timeline = new Timeline(TrajectoryTest.run(2));
        double[] head = timeline.series("state_dict.head2.weight", Metric.NORM).orElseThrow();
        assertTrue(Double.isNaN(head[0]) && Double.isNaN(head[2]) && head[3] > 0); // added at step 3
        assertTrue(timeline.series("state_dict.fc1", Metric.COS_LAST).isPresent());
        assertTrue(timeline.series("no.such.key", Metric.NORM).isEmpty());
    }

    @Test
    void aCellOpensTheComparisonOfItsTwoSteps() throws IOException {
        TrajectoryResult run = TrajectoryTest.run(2);
        Timeline timeline = new Timeline(run);
        List<Path> files = timeline.comparedFiles(4).orElseThrow();
        assertEquals(List.of(run.steps().get(3).file(), run.steps().get(4).file()), files);
        assertTrue(timeline.comparedFiles(0).isEmpty());
    }
}
