package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands on checkpoint folders: the {@code folder} and {@code chunks} fields, export and diff of DCP. */
class FolderCommandsTest {
    private static final Path ROOT = Fixtures.ROOT.resolve("llm-folders");

    @Test
    void inspectJsonSaysWhatTheFolderHolds() throws IOException {
        CliRun r = CliRun.of("inspect", ROOT.resolve("hf-llama-sharded").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("folder", j.get("format").asText());
        assertEquals("hf-model", j.at("/folder/kind").asText());
        assertEquals("model.safetensors.index.json", j.at("/folder/files/0/name").asText());
        assertEquals("sharded", j.at("/folder/files/0/format").asText());
        assertTrue(j.at("/folder/files/0/prefix").isNull());
        assertEquals(32, j.at("/folder/config/hidden_size").asInt());
        assertEquals(2, j.at("/folder/config/num_hidden_layers").asInt());
        assertFalse(j.get("tensors").get(0).has("chunks"), "chunks only for DCP tensors");

        JsonNode peft = CliRun.of("inspect", ROOT.resolve("peft-lora").toString(), "--json").json();
        assertEquals("peft-adapter", peft.at("/folder/kind").asText());
        assertEquals("LORA", peft.at("/folder/config/peft_type").asText());
        assertEquals(4, peft.at("/folder/config/r").asInt());
    }

    @Test
    void inspectJsonOfDcpShowsChunksAndTheSavedValues() throws IOException {
        CliRun r = CliRun.of("inspect", ROOT.resolve("dcp-2ranks").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("dcp", j.get("format").asText());
        assertEquals("dcp", j.at("/folder/kind").asText());
        for (JsonNode t : j.get("tensors")) {
            if (t.get("key").asText().equals("m.rows")) {
                assertEquals("[{\"offsets\":[0,0],\"sizes\":[3,4],\"file\":\"__0_0.distcp\",\"byte_offset\":0,"
                        + "\"byte_length\":1577},{\"offsets\":[3,0],\"sizes\":[2,4],\"file\":\"__1_0.distcp\","
                        + "\"byte_offset\":0,\"byte_length\":1577}]", t.get("chunks").toString());
            }
        }
        j.get("unsafe_globals").forEach(g -> assertTrue(g.asText().startsWith("torch.distributed.checkpoint.")
                || g.asText().equals("pathlib.PosixPath"), g.asText()));
        JsonNode one = CliRun.of("inspect", ROOT.resolve("dcp").toString(), "--json").json();
        assertEquals(7, one.at("/metadata/step").asInt());
    }

    @Test
    void exportOfADcpFolderIsConsolidatedWithTheLibrariesHashes(@TempDir Path tmp) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(ROOT.resolve("manifest.json").toFile());
        for (String name : new String[] {"dcp", "dcp-2ranks"}) {
            for (String ext : new String[] {".safetensors", ".pth"}) {
                Path out = tmp.resolve(name + ext);
                CliRun e = CliRun.of("export", ROOT.resolve(name).toString(), out.toString());
                assertEquals(0, e.code(), e.err());
                JsonNode j = CliRun.of("inspect", out.toString(), "--json", "--hash").json();
                Map<String, String> hashes = new HashMap<>();
                j.get("tensors").forEach(t -> hashes.put(t.get("key").asText(), t.get("sha256").asText()));
                JsonNode expected = manifest.get(name).get("tensors");
                assertEquals(expected.size(), hashes.size());
                expected.forEach(t -> assertEquals(t.get("sha256").asText(), hashes.get(t.get("key").asText()),
                        t.get("key").asText()));
                // the export holds the tensors only; dcp_to_torch_save also keeps the other values
                JsonNode d = CliRun.of("diff", out.toString(), ROOT.resolve(name + ".pth").toString(), "--json")
                        .json();
                for (String f : new String[] {"only_in_a", "only_in_b", "changed", "shape_mismatch"}) {
                    assertEquals(0, d.get(f).size(), name + ext + " " + f);
                }
            }
        }
    }

    @Test
    void diffOfADcpFolderAgainstDcpToTorchSaveIsIdentical() {
        CliRun r = CliRun.of("diff", ROOT.resolve("dcp-2ranks").toString(), ROOT.resolve("dcp-2ranks.pth").toString());
        assertEquals(0, r.code(), r.out() + r.err());
    }

    @Test
    void exportNeverWritesOverAFileOfTheSourceFolder(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dcp"));
        for (String f : new String[] {".metadata", "__0_0.distcp"}) {
            Files.copy(ROOT.resolve("dcp").resolve(f), dir.resolve(f));
        }
        byte[] before = Files.readAllBytes(dir.resolve("__0_0.distcp"));
        CliRun r = CliRun.of("export", dir.toString(), dir.resolve("__0_0.distcp").toString(), "--format", "pth");
        assertEquals(2, r.code());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("__0_0.distcp"))));
    }

    @Test
    void aCheckpointFolderArgumentIsOneCheckpointAndASearchFindsDcpFolders() throws IOException {
        CliRun one = CliRun.of("inspect", ROOT.resolve("checkpoint-3").toString(), "--json");
        assertEquals(0, one.code(), one.err());
        assertEquals("trainer-checkpoint", one.json().at("/folder/kind").asText(), "one document, not JSON lines");
        CliRun many = CliRun.of("inspect", ROOT.toString(), "--json");
        List<String> files = many.out().lines().map(l -> {
            try {
                return new ObjectMapper().readTree(l).path("file").asText();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertTrue(files.contains(ROOT.resolve("dcp-2ranks").toString()), files.toString());
        assertTrue(files.stream().noneMatch(f -> f.endsWith(".metadata")), files.toString());
    }

    @Test
    void scanOfAFolderGivesOneVerdict() throws IOException {
        CliRun r = CliRun.of("scan", ROOT.resolve("dcp").toString(), "--json");
        assertEquals(1, r.code(), r.err());
        assertEquals("unknown", r.json().get("verdict").asText(), "DCP's dataclasses are outside weights_only");
        assertEquals(1, CliRun.of("scan", ROOT.resolve("checkpoint-3").toString()).code(), "numpy RNG state");
    }
}
