package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code trajectory} on the real run of make_trajectory_fixtures.py: the JSON contract, the CSV, exit codes. */
class TrajectoryCommandTest {
    static final Path RUN = Path.of("src/test/resources/trajectory/run");

    @Test
    void jsonFollowsTheContract() throws IOException {
        CliRun r = CliRun.of("trajectory", RUN.toString(), "--json");
        assertEquals(Cli.FINDING, r.code(), r.err()); // the run holds a NaN
        JsonNode j = r.json();
        assertEquals("global_step", j.get("ordered_by").asText());
        assertEquals(7, j.get("steps").size());
        assertEquals(60, j.get("steps").get(6).get("step").asLong());
        JsonNode fc1 = null;
        for (JsonNode t : j.get("tensors")) {
            for (String f : List.of("key", "dtype", "shape", "frozen", "norm", "rel_prev", "rel_first", "cos_last",
                    "changed_fraction", "max_abs_diff", "first_nonfinite", "absent", "excluded", "nonfinite")) {
                assertTrue(t.has(f), f);
            }
            assertEquals(7, t.get("norm").size());
            assertTrue(t.get("rel_prev").get(0).isNull());
            if (t.get("key").asText().equals("state_dict.fc1.weight")) {
                fc1 = t;
            }
        }
        assertEquals(4, fc1.get("first_nonfinite").asInt());
        assertEquals(4, j.get("modules").size());
        assertEquals("state_dict.embed", j.get("modules").get(0).get("module").asText());
        assertTrue(j.get("modules").get(0).get("frozen").asBoolean());
    }

    @Test
    void csvHasARowPerTensorOrModuleAndStep() {
        CliRun r = CliRun.of("trajectory", RUN.resolve("*.ckpt").toString(), "--csv");
        String[] lines = r.out().split("\r\n");
        assertEquals((7 + 4) * 7 + 1, lines.length, r.err());
        assertTrue(lines[0].startsWith("kind,name,step_index,step,file,norm,rel_prev"));
        assertTrue(lines[1].startsWith("tensor,state_dict.embed.weight,0,0,"));
    }

    @Test
    void textNamesTheFrozenTensorsAndTheNan() {
        CliRun r = CliRun.of("trajectory", RUN.toString());
        assertTrue(r.out().contains("ordered by global_step"), r.out());
        assertTrue(r.out().contains("state_dict.fc1.weight  first at step 4"), r.out());
        assertTrue(r.out().contains("state_dict.head2.weight  absent at steps [0, 1, 2]"), r.out());
    }

    @Test
    void badInputIsOneLineNotATrace() {
        CliRun missing = CliRun.of("trajectory", "no/such/dir/*.pt");
        assertEquals(Cli.ERROR, missing.code());
        assertTrue(missing.err().startsWith("error: "), missing.err());
        CliRun one = CliRun.of("trajectory", "src/test/resources/trajectory/lora/base.pt");
        assertEquals(Cli.ERROR, one.code());
        assertTrue(one.err().contains("at least two"), one.err());
        CliRun both = CliRun.of("trajectory", RUN.toString(), "--json", "--csv");
        assertEquals(Cli.ERROR, both.code());
    }
}
