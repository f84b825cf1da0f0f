package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The training fields of the CLI contract: inspect's optimizers, roles, sizes, values and weights_only; diff's values. */
class TrainingCliTest {
    private static final Path DIR = Path.of("src/test/resources/training/torch-2.13");

    @Test
    void inspectJsonNamesOptimizerStateAndSaysWhetherTorchLoadsIt() throws Exception {
        CliRun r = CliRun.of("inspect", DIR.resolve("adamw.pt").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode manifest = new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile()).get("adamw.pt");
        for (JsonNode t : doc.get("tensors")) {
            String key = t.get("key").asText();
            if (key.startsWith("optimizer_state_dict.state.")) {
                String id = key.split("\\.")[2];
                assertEquals(manifest.get("optimizers").get("optimizer_state_dict").get(id).asText(),
                        t.get("param").asText(), key);
                assertEquals(key.substring(key.lastIndexOf('.') + 1), t.get("state").asText());
            } else {
                assertFalse(t.has("param"), key);
            }
        }
        JsonNode opt = doc.get("optimizers").get(0);
        assertEquals("mapped", opt.get("mapping").asText());
        assertEquals("fc1.weight", opt.get("groups").get(0).get("params").get(0).asText());
        assertEquals(0.1, opt.get("groups").get(0).get("hyper_parameters").get("weight_decay").asDouble());
        assertEquals(manifest.get("parameters").asLong(), doc.get("parameters").asLong());
        assertEquals("model_state_dict", doc.get("model").asText());
        assertTrue(doc.get("breakdown").get("optimizer").asLong() > doc.get("breakdown").get("model").asLong());
        assertFalse(doc.get("weights_only").get("loads").asBoolean());
        assertTrue(doc.get("weights_only").get("snippet").asText().contains("argparse.Namespace"));
    }

    @Test
    void inspectTextShowsValuesAndTheOptimizersParameters() {
        CliRun r = CliRun.of("inspect", DIR.resolve("adamw.pt").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  epoch = 3\n"), r.out());
        assertTrue(r.out().contains("  args.lr = 0.001\n"), r.out());
        assertTrue(r.out().contains("[fc1.weight exp_avg]"), r.out());
        assertTrue(r.out().contains("): fc1.weight, fc2.weight, head.weight\n"), r.out());
        assertTrue(r.out().contains("torch.serialization.add_safe_globals(["), r.out());
    }

    @Test
    void diffCountsValuesThatDifferInItsExitCode() throws Exception {
        CliRun r = CliRun.of("diff", DIR.resolve("adamw.pt").toString(), DIR.resolve("adamw_b.pt").toString(),
                "--json");
        assertEquals(1, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode epoch = null;
        for (JsonNode c : doc.get("values_changed")) {
            if (c.get("path").asText().equals("epoch")) {
                epoch = c;
            }
        }
        assertEquals(3, epoch.get("a").asInt());
        assertEquals(99, epoch.get("b").asInt());
        assertEquals("note", doc.get("values_only_in_b").get(0).asText());
        CliRun text = CliRun.of("diff", DIR.resolve("adamw.pt").toString(), DIR.resolve("adamw_b.pt").toString());
        assertTrue(text.out().contains("  epoch  3 -> 99\n"), text.out());
        assertEquals(0, CliRun.of("diff", DIR.resolve("adamw.pt").toString(), DIR.resolve("adamw.pt").toString())
                .code());
    }
}
