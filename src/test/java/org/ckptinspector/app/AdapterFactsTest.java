package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.junit.jupiter.api.Test;

/** The adapter facts of the file pane, on a real peft adapter. */
class AdapterFactsTest {
    @Test
    void listsTheConfigThenEachModuleWithRankAlphaScaleAndNorm() throws IOException {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.ROOT.resolve("peft/lora-pattern"))) {
            List<Fact> f = AdapterFacts.of(c);
            assertEquals(new Fact("type", "LORA, 7 modules"), f.get(0));
            Fact q1 = f.stream().filter(x -> x.label().equals("layer 1 q_proj")).findFirst().orElseThrow();
            assertTrue(q1.value().startsWith("rank 2 · alpha 8 · scale 4 · ‖ΔW‖ 7.35"), q1.value());
            assertTrue(f.contains(new Fact("replaces", "model.embed_tokens.weight (saved whole)")), f.toString());
        }
        try (Checkpoint c = CheckpointOpener.open(Fixtures.ROOT.resolve("peft/llama-base"))) {
            assertEquals(List.of(), AdapterFacts.of(c));
        }
    }

    @Test
    void labelsAreShortAndKeepTheBlockNumber() {
        assertEquals("layer 12 o_proj", AdapterFacts.label("layers.12.self_attn.o_proj"));
        assertEquals("embed_tokens", AdapterFacts.label("embed_tokens"));
        assertEquals("attn.c_attn_long", AdapterFacts.label("transformer.attn.c_attn_long"));
        assertEquals("model.", AdapterFacts.commonPrefix(List.of("model.layers.0.q", "model.layers.1.q", "model.e")));
        assertEquals("", AdapterFacts.commonPrefix(List.of("model.layers.0.q")));
    }
}
