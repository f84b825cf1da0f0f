package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect} through {@link Cli#run}: the JSON document of the CLI contract and the exit codes. */
class InspectCommandTest {
    @TempDir
    Path dir;


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void jsonOfANestedLightningCheckpoint() throws Exception {
        Path file = Fixtures.file("torch-2.13", "lightning.ckpt");
        CliRun r = run("inspect", file.toString(), "--json", "--hash");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("torch-zip", doc.get("format").asText());
        JsonNode expected = Fixtures.manifest("torch-2.13");
        JsonNode entry = null;
        for (JsonNode f : expected.get("files")) {
            if (f.get("file").asText().equals("lightning.ckpt")) {
                entry = f;
            }
        }
        List<String> keys = new ArrayList<>();
        doc.get("tensors").forEach(t -> keys.add(t.get("key").asText()));
        assertEquals(entry.get("tensors").size(), keys.size());
        for (int i = 0; i < keys.size(); i++) {
            JsonNode want = entry.get("tensors").get(i);
            JsonNode got = doc.get("tensors").get(i);
            List<String> parts = new ArrayList<>();
            want.get("path").forEach(p -> parts.add(p.asText()));
            assertEquals(String.join(".", parts), got.get("key").asText());
            assertEquals(want.get("path"), got.get("path"));
            assertEquals(want.get("sha256").asText(), got.get("sha256").asText());
            assertEquals(want.get("storage").get("key").asText(), got.get("storage").asText());
        }
        assertTrue(keys.contains("state_dict.model.fc1.weight"));
        assertTrue(keys.contains("optimizer_states.0.state.0.exp_avg"));
        assertEquals(0, doc.get("unsafe_globals").size());
        assertEquals(0, doc.get("warnings").size());
        assertEquals(3, doc.get("metadata").get("epoch").asInt());
        assertEquals("x", doc.get("metadata").get("hyper_parameters").get("name").asText());
    }

    @Test
    void unreadableInputIsExitCodeTwoWithOneLine() throws Exception {
        Path png = Files.write(dir.resolve("cat.pt"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        for (Path p : List.of(png, dir.resolve("absent.pt"))) {
            CliRun r = run("inspect", p.toString(), "--json");
            assertEquals(2, r.code());
            assertEquals("", r.out());
            String[] lines = r.err().strip().split("\n");
            assertEquals(1, lines.length, r.err());
            assertTrue(lines[0].startsWith("error: ") && lines[0].contains(p.toString()), r.err());
            assertFalse(r.err().contains("at org."), r.err());
        }
    }

    @Test
    void textOutputListsTensorsAndUnsafeGlobals() {
        CliRun r = run("inspect", Fixtures.file("torch-2.13", "full_model.pt").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fc1.weight"), r.out());
        assertTrue(r.out().contains("__main__.SimpleModel"), r.out());
    }
}
