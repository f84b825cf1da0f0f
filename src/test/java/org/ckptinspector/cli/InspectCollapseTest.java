package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;

/** {@code inspect --collapse} on a real 32-layer Llama whose layer 7 differs (fixtures/blocks). */
class InspectCollapseTest {
    private static final String FILE = Fixtures.ROOT.resolve("blocks/llama32.safetensors").toString();

    @Test
    void theLayersAreOnePatternAndLayer7StandsOut() throws Exception {
        JsonNode m = new ObjectMapper().readTree(Fixtures.ROOT.resolve("blocks/manifest.json").toFile());
        CliRun r = CliRun.of("inspect", FILE, "--collapse");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        long patternRows = lines.stream().filter(l -> l.startsWith("model.layers.{0..31}.")).count();
        assertEquals(m.get("tensors_per_block").asLong(), patternRows, r.out());
        assertTrue(lines.stream().filter(l -> l.startsWith("model.layers.{0..31}.")).allMatch(l -> l.endsWith("× 32")));
        List<String> odd = lines.stream().filter(l -> l.startsWith("model.layers.") && !l.contains("{")).toList();
        assertEquals(m.get("differences").size(), odd.size(), r.out());
        assertTrue(odd.get(0).startsWith("model.layers.7.mlp.down_proj.weight"), odd.get(0));
        assertTrue(odd.get(0).contains("bfloat16") && odd.get(0).endsWith("≠ others: float32 [16, 32]"), odd.get(0));
        assertTrue(odd.get(1).contains("[48, 16]") && odd.get(1).endsWith("≠ others: float32 [32, 16]"), odd.get(1));
        // Every tensor is still counted in the totals, which follow file line, header, 2 + 9 + 2 + 1 rows.
        int totals = lines.indexOf("291 tensors, 85264 elements");
        assertEquals(2 + 2 + 9 + 2 + 1, totals, r.out());
    }

    @Test
    void jsonGetsTheRunsWithTheirDifferencesAndKeepsEveryTensor() throws Exception {
        JsonNode m = new ObjectMapper().readTree(Fixtures.ROOT.resolve("blocks/manifest.json").toFile());
        CliRun r = CliRun.of("inspect", FILE, "--json", "--collapse");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = r.json();
        assertEquals(291, doc.get("tensors").size());
        JsonNode runs = doc.get("repeated_blocks");
        assertEquals(1, runs.size(), runs.toString());
        JsonNode run = runs.get(0);
        assertEquals("model.layers.{0..31}", run.get("pattern").asText());
        assertEquals(m.get("prefix").asText(), run.get("prefix").asText());
        assertEquals(0, run.get("first").asLong());
        assertEquals(m.get("blocks").asLong(), run.get("count").asLong());
        assertEquals(m.get("tensors_per_block").asInt(), run.get("template").size());
        assertEquals(m.get("odd_blocks").toString(), run.get("odd_blocks").toString());
        assertEquals(m.get("differences").size(), run.get("differences").size());
        for (int i = 0; i < m.get("differences").size(); i++) {
            JsonNode e = m.get("differences").get(i);
            JsonNode d = run.get("differences").get(i);
            assertEquals(e.get("block").asLong(), d.get("block").asLong());
            assertEquals(e.get("rest").asText(), d.get("rest").asText());
            assertEquals(m.get("prefix").asText() + "." + e.get("block").asLong() + "." + e.get("rest").asText(),
                    d.get("key").asText());
            assertEquals(e.get("actual").get(1).toString(), d.get("actual").get("shape").toString());
            assertEquals(e.get("expected").get(1).toString(), d.get("expected").get("shape").toString());
        }
        assertEquals("bfloat16", run.get("differences").get(0).get("actual").get("dtype").asText());
        assertEquals("float32", run.get("differences").get(0).get("expected").get("dtype").asText());
        JsonNode plain = CliRun.of("inspect", FILE, "--json").json();
        assertTrue(plain.get("repeated_blocks") == null, "without --collapse the document is unchanged");
    }

    @Test
    void withoutTheOptionEveryTensorIsListed() {
        CliRun r = CliRun.of("inspect", FILE);
        assertEquals(0, r.code(), r.err());
        assertEquals(32, r.out().lines().filter(l -> l.startsWith("model.layers.") && l.contains(".mlp.up_proj.")).count());
        assertTrue(r.out().lines().noneMatch(l -> l.contains("{0..31}")));
    }
}
