package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect} of a PEFT adapter, {@code diff BASE ADAPTER} and {@code export --merge-adapter}. */
class AdapterCommandsTest {
    private static final Path ROOT = Fixtures.ROOT.resolve("peft");

    @Test
    void inspectJsonHasTheAdapterWithTorchsNorms() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(ROOT.resolve("manifest.json").toFile());
        CliRun r = CliRun.of("inspect", ROOT.resolve("lora-pattern").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode a = r.json().get("adapter");
        assertEquals("LORA", a.get("type").asText());
        assertEquals(4, a.get("r").asInt());
        assertEquals(8, a.get("lora_alpha").asInt());
        assertEquals("[\"q_proj\",\"v_proj\",\"o_proj\",\"embed_tokens\"]", a.get("target_modules").toString());
        assertEquals(2, a.at("/rank_pattern/layers.1.self_attn.q_proj").asInt());
        JsonNode expected = manifest.at("/lora-pattern/modules");
        assertEquals(expected.size(), a.get("modules").size());
        for (JsonNode e : expected) {
            JsonNode m = null;
            for (JsonNode x : a.get("modules")) {
                m = x.get("module").asText().equals(e.get("module").asText()) ? x : m;
            }
            assertTrue(m != null, "no module " + e.get("module"));
            assertEquals(e.get("rank").asInt(), m.get("rank").asInt());
            assertEquals(e.get("scale").asDouble(), m.get("scale").asDouble(), 0.0);
            double norm = e.get("delta_norm").asDouble();
            assertEquals(norm, m.get("delta_norm").asDouble(), 1e-6 * norm, m.get("module").asText());
        }
        assertEquals("[\"model.embed_tokens.weight\"]", a.get("replaces").toString());
        String text = CliRun.of("inspect", ROOT.resolve("lora-rslora").toString()).out();
        assertTrue(text.contains("LORA adapter: r 8, lora_alpha 4, target_modules .*\\.mlp\\.(gate_proj|up_proj), "
                + "use_rslora"), text);
        assertTrue(text.contains("model.layers.0.mlp.gate_proj  rank 8  alpha 4  scale 1.41421"), text);
        assertFalse(CliRun.of("inspect", ROOT.resolve("llama-base").toString(), "--json").json().has("adapter"));
    }

    @Test
    void diffBaseAdapterNamesTheChangedTensors() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(ROOT.resolve("manifest.json").toFile());
        CliRun r = CliRun.of("diff", ROOT.resolve("gpt2-base").toString(), ROOT.resolve("lora-gpt2").toString(),
                "--json");
        assertEquals(1, r.code(), r.err());
        List<String> changed = new ArrayList<>();
        r.json().get("changed").forEach(c -> changed.add(c.get("key").asText()));
        List<String> expected = new ArrayList<>();
        manifest.at("/lora-gpt2/changed").forEach(k -> expected.add(k.asText()));
        assertEquals(expected, changed.stream().sorted().toList());
        JsonNode w = r.json().get("changed").get(1);
        assertEquals("transformer.h.0.attn.c_attn.weight", w.get("key").asText());
        assertEquals("lora", w.get("kind").asText());
        assertEquals(w.get("delta_norm").asDouble() / w.get("base_norm").asDouble(), w.get("relative").asDouble(),
                1e-12);
        assertEquals("lora_bias", r.json().get("changed").get(0).get("kind").asText());
        CliRun text = CliRun.of("diff", ROOT.resolve("llama-base").toString(), ROOT.resolve("lora-basic").toString());
        assertTrue(text.out().contains("changes 5 of 21 base tensors"), text.out());
        assertTrue(text.out().contains("lm_head.weight"), text.out());
    }

    @Test
    void exportMergeAdapterWritesAndVerifiesTheMergedWeights(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("merged.pth");
        CliRun e = CliRun.of("export", ROOT.resolve("llama-base").toString(), out.toString(), "--merge-adapter",
                ROOT.resolve("lora-pattern").toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("Verified: 21 tensors"), e.out());
        CliRun d = CliRun.of("diff", out.toString(), ROOT.resolve("merged/lora-pattern.safetensors").toString(),
                "--json");
        assertEquals("[]", d.json().get("changed").toString(), d.out());
        assertEquals(21, d.json().get("identical").size());

        CliRun wrong = CliRun.of("export", ROOT.resolve("gpt2-base").toString(), tmp.resolve("x.pth").toString(),
                "--merge-adapter", ROOT.resolve("lora-basic").toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().startsWith("error: ") && wrong.err().contains("cannot merge into"), wrong.err());
        assertFalse(Files.exists(tmp.resolve("x.pth")));
        CliRun notAdapter = CliRun.of("export", ROOT.resolve("gpt2-base").toString(), tmp.resolve("y.pth").toString(),
                "--merge-adapter", ROOT.resolve("llama-base").toString());
        assertEquals(2, notAdapter.code());
        assertTrue(notAdapter.err().contains("not a PEFT adapter folder"), notAdapter.err());
    }
}
