package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;

/** inspect and stats on a GGUF file: block types named in lower case, metadata shown, values dequantized. */
class LlmFilesCliTest {
    private static final String GGUF = Fixtures.ROOT.resolve("llm/gguf/model_v3.gguf").toString();

    @Test
    void inspectJsonNamesGgufTypesAndShowsMetadata() throws Exception {
        CliRun r = CliRun.of("inspect", GGUF, "--json", "--hash");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("gguf", j.get("format").asText());
        JsonNode q = null;
        for (JsonNode t : j.get("tensors")) {
            if (t.get("key").asText().equals("blk.1.q4_k.weight")) {
                q = t;
            }
        }
        assertEquals("q4_k", q.get("dtype").asText());
        assertEquals("[2,512]", q.get("shape").toString());
        JsonNode manifest = new ObjectMapper().readTree(Fixtures.ROOT.resolve("llm/manifest.json").toFile());
        for (JsonNode t : manifest.get("gguf/model_v3.gguf").get("tensors")) {
            if (t.get("key").asText().equals("blk.1.q4_k.weight")) {
                assertEquals(t.get("sha256").asText(), q.get("sha256").asText());
            }
        }
        assertEquals(2048, j.get("metadata").get("llama.context_length").asInt());
        assertTrue(j.get("warnings").toString().contains("tq1_0"), j.get("warnings").toString());
    }

    @Test
    void statsOfAGgufFileReadTheDequantizedValues() throws Exception {
        CliRun r = CliRun.of("stats", GGUF, "--json", "--key", "blk.0.attn_q.weight");
        assertEquals(0, r.code(), r.err());
        JsonNode t = new ObjectMapper().readTree(r.out()).get("tensors").get(0);
        assertEquals("q8_0", t.get("dtype").asText());
        assertEquals(512, t.get("count").asInt());
    }

    @Test
    void anOnnxLikeFileIsNamedInTheError() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("model", ".onnx");
        try {
            java.nio.file.Files.write(f, new byte[] {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h', 0x1a});
            CliRun r = CliRun.of("inspect", f.toString());
            assertEquals(2, r.code());
            assertTrue(r.err().contains("ONNX"), r.err());
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void scanListsTheGlobalsOfObjectArraysAndCallsGgufSafe() throws Exception {
        CliRun gguf = CliRun.of("scan", GGUF, "--json");
        assertEquals(0, gguf.code(), gguf.err());
        CliRun npz = CliRun.of("scan", Fixtures.ROOT.resolve("llm/numpy/with_object.npz").toString(), "--json");
        assertEquals(1, npz.code(), npz.err());
        assertTrue(npz.out().contains("numpy"), npz.out());
        CliRun pt2 = CliRun.of("scan", Fixtures.ROOT.resolve("llm/pt2/small.pt2").toString(), "--json");
        assertEquals(0, pt2.code(), pt2.err() + pt2.out());
        assertTrue(pt2.out().contains("torch._utils._rebuild_tensor_v2"), pt2.out());
    }
}
