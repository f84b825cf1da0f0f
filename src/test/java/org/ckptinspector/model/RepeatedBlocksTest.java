package org.ckptinspector.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.junit.jupiter.api.Test;

/** Repeated blocks of a real 32-layer Llama (transformers) whose layer 7 differs, and the rules on made-up keys. */
class RepeatedBlocksTest {

    @Test
    void the32LayerModelIsOneRunWithLayer7Different() throws Exception {
        JsonNode m = new ObjectMapper().readTree(Fixtures.ROOT.resolve("blocks/manifest.json").toFile());
        try (Checkpoint c = CheckpointOpener.open(Fixtures.ROOT.resolve("blocks").resolve(m.get("file").asText()))) {
            List<RepeatedBlocks> runs = RepeatedBlocks.find(c.tensors());
            assertEquals(1, runs.size(), runs.toString());
            RepeatedBlocks r = runs.get(0);
            assertEquals(m.get("prefix").asText(), r.prefix());
            assertEquals(m.get("blocks").asLong(), r.count());
            assertEquals("model.layers.{0..31} × 32", r.label());
            assertEquals(m.get("tensors_per_block").asInt(), r.template().size());
            List<Long> odd = new ArrayList<>();
            m.get("odd_blocks").forEach(n -> odd.add(n.asLong()));
            assertEquals(odd, r.oddBlocks());
            assertEquals(m.get("differences").size(), r.differences().size());
            for (int i = 0; i < r.differences().size(); i++) {
                JsonNode e = m.get("differences").get(i);
                RepeatedBlocks.Difference d = r.differences().get(i);
                assertEquals(e.get("block").asLong(), d.block());
                assertEquals(e.get("rest").asText(), d.rest());
                assertEquals(DType.fromSafetensorsCode(e.get("actual").get(0).asText()).orElseThrow(), d.actual().dtype());
                assertEquals(e.get("actual").get(1).toString().replace(",", ", "),
                        java.util.Arrays.toString(d.actual().shape()));
                assertEquals(DType.fromSafetensorsCode(e.get("expected").get(0).asText()).orElseThrow(), d.expected().dtype());
                assertTrue(c.tensor(d.key(r.prefix())).isPresent(), d.key(r.prefix()));
            }
            assertTrue(r.covers("model.layers.31.mlp.up_proj.weight"));
            assertEquals(-1, r.blockOf("model.norm.weight"));
        }
    }

    @Test
    void gapsSingleBlocksAndUnlikeBlocksAreNotRuns() {
        assertTrue(RepeatedBlocks.find(tensors("h.0.w", "h.2.w")).isEmpty(), "a gap");
        assertTrue(RepeatedBlocks.find(tensors("h.0.w")).isEmpty(), "one block");
        assertTrue(RepeatedBlocks.find(tensors("x.0", "x.1", "x.2")).isEmpty(), "numbers at the end are items");
        assertTrue(RepeatedBlocks.find(tensors("h.00.w", "h.01.w")).isEmpty(), "leading zeros");
        List<RepeatedBlocks> missing = RepeatedBlocks.find(tensors("h.0.w", "h.0.b", "h.1.w", "h.1.b", "h.2.w"));
        assertEquals(1, missing.size());
        RepeatedBlocks.Difference d = missing.get(0).differences().get(0);
        assertEquals(2, d.block());
        assertNull(d.actual());
        assertEquals("b", d.rest());
    }

    private static List<TensorRef> tensors(String... keys) {
        List<TensorRef> out = new ArrayList<>();
        for (String k : keys) {
            out.add(TensorRef.strided(DType.FLOAT32, new long[] {2}, new long[] {1}, 0, null)
                    .withLocation(k, List.of(k)));
        }
        return out;
    }
}
