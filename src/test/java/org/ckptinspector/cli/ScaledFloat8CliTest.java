package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaled float8 weights (DeepSeek block scales, per-tensor and per-channel weight_scale) against torch: the
 * statistics, diff and dtype export of the dequantized values, the raw codes with {@code stats --raw}, and the
 * faithful export of codes and scales; a folder's {@code weight_block_size} laying out the block scales (a
 * non-square 64×32 block on ragged shapes, where inferring it from shapes goes wrong), a scale that does not fit
 * it a warning and no dequantization, and a weight diffed against itself re-rounded to float8 {@code noise}, not an
 * update. Expected values are in fixtures/fp8/manifest.json, written by make_fp8_fixtures.py with torch 2.13.
 */
class ScaledFloat8CliTest {
    private static final Path DIR = Fixtures.ROOT.resolve("fp8");

    @TempDir
    Path tmp;

    private static JsonNode manifest() throws Exception {
        return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
    }

    private static JsonNode tensor(JsonNode doc, String key) {
        for (JsonNode t : doc.get("tensors")) {
            if (t.get("key").asText().equals(key)) {
                return t;
            }
        }
        throw new AssertionError("no tensor " + key + " in " + doc);
    }

    private static void assertClose(JsonNode expected, JsonNode actual, String what) {
        double e = expected.asDouble();
        double a = actual.asDouble();
        assertEquals(e, a, 1e-12 * Math.max(1, Math.abs(e)), what);
    }

    private static void assertStats(JsonNode expected, JsonNode actual, String what) {
        assertEquals(expected.get("count").asLong(), actual.get("count").asLong(), what + " count");
        for (String f : new String[] {"min", "max", "mean", "std"}) {
            assertClose(expected.get(f), actual.get(f), what + " " + f);
        }
    }

    @Test
    void statisticsAreTorchsDequantizedOnesForEveryLayout() throws Exception {
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> files = manifest().get("files").fields(); files.hasNext(); ) {
            Map.Entry<String, JsonNode> file = files.next();
            for (Iterator<Map.Entry<String, JsonNode>> w = file.getValue().get("weights").fields(); w.hasNext(); ) {
                Map.Entry<String, JsonNode> weight = w.next();
                String path = DIR.resolve(file.getKey()).toString();
                CliRun r = CliRun.of("stats", path, "--json", "--key", weight.getKey());
                assertEquals(0, r.code(), r.err());
                JsonNode s = r.json().get("tensors").get(0);
                assertEquals(weight.getValue().get("dtype").asText(), s.get("dtype").asText());
                assertStats(weight.getValue().get("dequantized"), s, file.getKey() + " " + weight.getKey());

                CliRun raw = CliRun.of("stats", path, "--json", "--raw", "--key", weight.getKey());
                assertEquals(0, raw.code(), raw.err());
                assertStats(weight.getValue().get("raw"), raw.json().get("tensors").get(0),
                        file.getKey() + " raw " + weight.getKey());
                checked++;
            }
        }
        assertEquals(5, checked);
    }

    @Test
    void inspectJsonNamesTheScalePartnerAndLayout() throws Exception {
        for (Iterator<Map.Entry<String, JsonNode>> files = manifest().get("files").fields(); files.hasNext(); ) {
            Map.Entry<String, JsonNode> file = files.next();
            CliRun r = CliRun.of("inspect", DIR.resolve(file.getKey()).toString(), "--json");
            assertEquals(0, r.code(), r.err());
            JsonNode doc = r.json();
            for (Iterator<Map.Entry<String, JsonNode>> w = file.getValue().get("weights").fields(); w.hasNext(); ) {
                Map.Entry<String, JsonNode> weight = w.next();
                JsonNode scale = tensor(doc, weight.getKey()).get("scale");
                assertNotNull(scale, weight.getKey());
                JsonNode m = weight.getValue();
                assertEquals(m.get("scale").asText(), scale.get("key").asText());
                assertEquals(m.get("layout").asText(), scale.get("layout").asText());
                assertEquals(m.get("block").toString(), scale.get("block").toString());
                assertEquals(weight.getKey(), tensor(doc, m.get("scale").asText()).get("scale_for").asText());
            }
        }
        JsonNode perTensor = CliRun.of("inspect", DIR.resolve("per_tensor.safetensors").toString(), "--json").json();
        assertEquals("l.input_scale", tensor(perTensor, "l.weight").get("scale").get("input_scale").asText());
        assertFalse(tensor(perTensor, "l.input_scale").has("scale"));
    }

    @Test
    void diffComparesTheDequantizedValues() throws Exception {
        JsonNode d = manifest().get("diff");
        CliRun r = CliRun.of("diff", DIR.resolve(d.get("a").asText()).toString(),
                DIR.resolve(d.get("b").asText()).toString(), "--json");
        assertEquals(1, r.code(), r.err());
        JsonNode changed = null;
        for (JsonNode c : r.json().get("changed")) {
            if (c.get("key").asText().equals(d.get("key").asText())) {
                changed = c;
            }
        }
        assertNotNull(changed, r.out());
        assertClose(d.get("max_abs_diff"), changed.get("max_abs_diff"), "max |Δ| of the dequantized weights");
        assertTrue(changed.get("max_abs_diff").asDouble() < 1, "not the raw codes' " + d.get("raw_max_abs_diff"));
    }

    @Test
    void exportWithADtypeWritesTorchsDequantizationAndLeavesTheScalesOut() throws Exception {
        for (Iterator<Map.Entry<String, JsonNode>> files = manifest().get("files").fields(); files.hasNext(); ) {
            Map.Entry<String, JsonNode> file = files.next();
            Path out = tmp.resolve("deq-" + file.getKey());
            CliRun e = CliRun.of("export", DIR.resolve(file.getKey()).toString(), out.toString(), "--dtype", "float32");
            assertEquals(0, e.code(), e.err());
            JsonNode doc = CliRun.of("inspect", out.toString(), "--json", "--hash").json();
            for (Iterator<Map.Entry<String, JsonNode>> w = file.getValue().get("weights").fields(); w.hasNext(); ) {
                Map.Entry<String, JsonNode> weight = w.next();
                JsonNode t = tensor(doc, weight.getKey());
                assertEquals("float32", t.get("dtype").asText());
                assertEquals(weight.getValue().get("dequantized_sha256").asText(), t.get("sha256").asText(),
                        file.getKey() + " " + weight.getKey());
                String scale = weight.getValue().get("scale").asText();
                for (JsonNode x : doc.get("tensors")) {
                    assertFalse(x.get("key").asText().equals(scale), scale + " left in " + out);
                }
                assertTrue(e.err().contains(scale), e.err());
            }
        }
    }

    @Test
    void exportWithoutADtypeCopiesCodesAndScalesExactly() throws Exception {
        Path src = DIR.resolve("block.safetensors");
        for (String ext : new String[] {"pth", "safetensors"}) {
            Path out = tmp.resolve("raw." + ext);
            CliRun e = CliRun.of("export", src.toString(), out.toString());
            assertEquals(0, e.code(), e.err());
            Map<String, String> before = hashes(src);
            assertEquals(before, hashes(out));
            assertEquals(3, before.size());
            JsonNode w = tensor(CliRun.of("inspect", out.toString(), "--json").json(), "l.weight");
            assertEquals("float8_e4m3fn", w.get("dtype").asText());
            assertEquals("l.weight_scale_inv", w.get("scale").get("key").asText());
        }
        assertTrue(Files.size(tmp.resolve("raw.safetensors")) < 70_000);
        CliRun alone = CliRun.of("export", src.toString(), tmp.resolve("alone.safetensors").toString(),
                "--keys", "l.weight");
        assertEquals(0, alone.code(), alone.err());
        assertTrue(alone.err().contains("l.weight (l.weight_scale_inv) written as float8 codes without"), alone.err());
    }

    @Test
    void theConfiguredBlockGivesTorchsDequantization() throws Exception {
        JsonNode c = manifest().get("configured");
        Path folder = DIR.resolve(c.get("folder").asText());
        JsonNode doc = CliRun.of("inspect", folder.toString(), "--json").json();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> w = c.get("weights").fields(); w.hasNext(); ) {
            Map.Entry<String, JsonNode> weight = w.next();
            CliRun r = CliRun.of("stats", folder.toString(), "--json", "--key", weight.getKey());
            assertEquals(0, r.code(), r.err());
            assertStats(weight.getValue().get("dequantized"), r.json().get("tensors").get(0), weight.getKey());
            JsonNode scale = tensor(doc, weight.getKey()).get("scale");
            assertEquals("block", scale.get("layout").asText());
            assertEquals(c.get("block").toString(), scale.get("block").toString());
            checked++;
        }
        assertEquals(2, checked);

        Path out = tmp.resolve("deq.safetensors");
        CliRun e = CliRun.of("export", folder.toString(), out.toString(), "--dtype", "float32");
        assertEquals(0, e.code(), e.err());
        JsonNode hashes = CliRun.of("inspect", out.toString(), "--json", "--hash").json();
        for (Iterator<Map.Entry<String, JsonNode>> w = c.get("weights").fields(); w.hasNext(); ) {
            Map.Entry<String, JsonNode> weight = w.next();
            assertEquals(weight.getValue().get("dequantized_sha256").asText(),
                    tensor(hashes, weight.getKey()).get("sha256").asText(), weight.getKey());
        }
    }

    @Test
    void withoutTheConfigTheBlockInferredFromShapesIsNotTorchs() throws Exception {
        JsonNode c = manifest().get("configured");
        Path file = DIR.resolve(c.get("folder").asText()).resolve("model.safetensors");
        CliRun r = CliRun.of("stats", file.toString(), "--json", "--key", "a.weight");
        assertEquals(0, r.code(), r.err());
        double torchStd = c.get("weights").get("a.weight").get("dequantized").get("std").asDouble();
        assertNotEquals(torchStd, r.json().get("tensors").get(0).get("std").asDouble(), 1e-9,
                "the fixture must need the config: [100, 96] over a [2, 3] grid infers 50-row blocks");
    }

    @Test
    void aScaleThatDoesNotFitTheConfiguredBlockIsAWarningAndTheCodesStayRaw() throws Exception {
        JsonNode c = manifest().get("configured");
        Path folder = DIR.resolve(c.get("folder").asText());
        CliRun r = CliRun.of("inspect", folder.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode weight = tensor(r.json(), "c.weight");
        assertNull(weight.get("scale"), "not dequantized: " + weight);
        String warnings = r.json().get("warnings").toString();
        assertTrue(warnings.contains("tensor c.weight: its scale c.weight_scale_inv has shape [4, 3], but "
                + "config.json's weight_block_size [64, 32] over [100, 96] needs a [2, 3] grid"), warnings);
        CliRun s = CliRun.of("stats", folder.toString(), "--json", "--key", "c.weight");
        assertStats(c.get("mismatched").get("c.weight").get("raw"), s.json().get("tensors").get(0), "c.weight raw");
    }

    @Test
    void float8RoundingNoiseIsNoiseNotALowRankUpdate() throws Exception {
        JsonNode n = manifest().get("noise");
        assertEquals(1, n.get("max_code_step").asInt(), "the fixture differs by single float8 steps");
        assertTrue(n.get("changed_fraction").asDouble() > 0.1, "more than a sparse update's share changes");
        CliRun r = CliRun.of("diff", DIR.resolve(n.get("a").asText()).toString(),
                DIR.resolve(n.get("b").asText()).toString(), "--json");
        assertEquals(1, r.code(), r.err());
        JsonNode changed = r.json().get("changed");
        assertEquals(1, changed.size(), changed.toString());
        JsonNode c = changed.get(0);
        assertEquals(n.get("key").asText(), c.get("key").asText());
        assertEquals("noise", c.get("update_kind").asText());
        assertEquals(n.get("changed_fraction").asDouble(), c.get("changed_fraction").asDouble(), 1e-12);
        assertEquals(n.get("max_abs_diff").asDouble(), c.get("max_abs_diff").asDouble(), 1e-12);
        JsonNode module = r.json().get("module_updates").get(0);
        assertEquals("noise", module.get("update_kind").asText());
        assertTrue(module.get("delta_rank").isNull());
    }

    @Test
    void aRealChangeOfAnFp8WeightIsNotCalledLowRankOfRankZero() throws Exception {
        JsonNode d = manifest().get("diff");
        CliRun r = CliRun.of("diff", DIR.resolve(d.get("a").asText()).toString(),
                DIR.resolve(d.get("b").asText()).toString(), "--json");
        JsonNode weight = null;
        for (JsonNode c : r.json().get("changed")) {
            if (c.get("key").asText().equals(d.get("key").asText())) {
                weight = c;
            }
        }
        assertNotNull(weight, r.out());
        // a random 150x100 block added: beyond rounding, and no low-rank update
        assertEquals("full", weight.get("update_kind").asText(), weight.toString());
        assertFalse(r.out().contains("rank 0"), r.out());
    }

    private static Map<String, String> hashes(Path file) throws Exception {
        CliRun r = CliRun.of("inspect", file.toString(), "--json", "--hash");
        assertEquals(0, r.code(), r.err());
        Map<String, String> m = new HashMap<>();
        for (JsonNode t : r.json().get("tensors")) {
            m.put(t.get("key").asText(), t.get("dtype").asText() + " " + t.get("sha256").asText());
        }
        return m;
    }
}
