package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scan} through {@link Cli#run}: the JSON of the CLI contract, the text report and the exit codes. */
class ScanCommandTest {
    @TempDir
    Path dir;

    /** The globals scan lists for every fixture are exactly those Python's pickletools found in it. */
    @Test
    void globalsOfEveryFixtureMatchTheManifest() throws Exception {
        int files = 0;
        for (Fixtures.Entry e : Fixtures.entries()) {
            JsonNode pickle = e.node().get("pickle");
            if (pickle == null || !pickle.has("globals")) {
                continue;
            }
            CliRun r = CliRun.of("scan", e.path().toString(), "--json");
            Set<String> expected = new TreeSet<>();
            pickle.get("globals").forEach(g -> expected.add(g.asText()));
            Set<String> listed = new TreeSet<>();
            r.json().get("globals").forEach(g -> listed.add(g.get("name").asText()));
            assertEquals(expected, listed, e.name());
            if (!e.version().equals("torch-2.13")) {
                continue;
            }
            boolean allowed = e.node().get("weights_only_load").get("ok").asBoolean()
                    || e.name().contains("protocol4");
            assertEquals(allowed ? 0 : 1, r.code(), e.name() + " " + r.err());
            assertEquals(allowed ? "safe" : "unknown", r.json().get("verdict").asText(), e.name());
            files++;
        }
        assertTrue(files > 30, "torch 2.13 fixtures scanned: " + files);
    }

    /** Each offset points at the opcode that names the global (GLOBAL 'c', STACK_GLOBAL 0x93 or INST 'i'). */
    @Test
    void offsetsPointAtTheNamingOpcode() throws Exception {
        for (String name : List.of("full_model.pt", "simple_adam_protocol4.pt", "numpy_argparse_checkpoint.pt")) {
            Path file = Fixtures.file("torch-2.13", name);
            JsonNode doc = CliRun.of("scan", file.toString(), "--json").json();
            try (ZipFile zip = new ZipFile(file.toFile())) {
                for (JsonNode g : doc.get("globals")) {
                    byte[] record = zip.getInputStream(zip.getEntry(g.get("record").asText())).readAllBytes();
                    int op = record[(int) g.get("offset").asLong()] & 0xff;
                    assertTrue(op == 'c' || op == 0x93 || op == 'i', name + " " + g + " points at " + op);
                }
            }
        }
    }

    @Test
    void legacyStreamsNameTheirPicklesByNumber() throws Exception {
        JsonNode doc = CliRun.of("scan", Fixtures.file("torch-2.13", "full_model_legacy.pt").toString(), "--json")
                .json();
        Set<String> records = new HashSet<>();
        doc.get("globals").forEach(g -> records.add(g.get("record").asText()));
        assertEquals(Set.of("pickle 4"), records);
    }

    @Test
    void dangerousFileExitsOneAndSaysSoInText() {
        Path file = HostileCorpus.ROOT.resolve("zip_injected_state_dict.pt");
        CliRun r = CliRun.of("scan", file.toString());
        assertEquals(Cli.FINDING, r.code());
        assertTrue(r.out().startsWith(file + ": DANGEROUS"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("dangerous") && l.contains("os.system")
                && l.contains("archive/data.pkl, offset 2")), r.out());
        assertTrue(r.out().contains("Nothing was executed"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void safeFileExitsZero() throws Exception {
        CliRun r = CliRun.of("scan", Fixtures.file("torch-2.13", "simple_adam.pt").toString());
        assertEquals(Cli.OK, r.code(), r.err());
        assertTrue(r.out().contains(": SAFE"), r.out());
        assertTrue(r.out().contains("0 dangerous, 0 unknown, 3 safe"), r.out());
    }

    @Test
    void safetensorsHasNoGlobalsButIsValidated() throws Exception {
        CliRun ok = CliRun.of("scan", Fixtures.file("torch-2.13", "safetensors/with_metadata.safetensors").toString(),
                "--json");
        assertEquals(Cli.OK, ok.code());
        assertEquals("safe", ok.json().get("verdict").asText());
        assertEquals(0, ok.json().get("globals").size());
        Path bad = HostileCorpus.ROOT.resolve("st_overlap.safetensors");
        CliRun refused = CliRun.of("scan", bad.toString(), "--json");
        assertEquals(Cli.ERROR, refused.code());
        assertTrue(refused.err().startsWith("error: " + bad + ": tensor 'b' has data_offsets [4, 12]"),
                refused.err());
    }

    @Test
    void shardIndexScansEveryShardAndNamesIt() throws Exception {
        Path index = HostileCorpus.ROOT.resolve("sharded_payload/pytorch_model.bin.index.json");
        CliRun r = CliRun.of("scan", index.toString(), "--json");
        assertEquals(Cli.FINDING, r.code());
        JsonNode doc = r.json();
        assertEquals("dangerous", doc.get("verdict").asText());
        assertTrue(doc.toString().contains("\"record\":\"pytorch_model-00001-of-00001.bin > archive/data.pkl\""),
                doc.toString());
        CliRun clean = CliRun.of("scan", Fixtures.file("torch-2.13", "sharded/pytorch_model.bin.index.json")
                .toString(), "--json");
        assertEquals(Cli.OK, clean.code(), clean.err());
        assertEquals(2, clean.json().get("globals").findValues("record").stream().map(JsonNode::asText)
                .map(s -> s.substring(0, s.indexOf(" > "))).distinct().count());
    }

    @Test
    void embeddedPayloadsAreNamedAfterTheBytesThatHoldThem() throws Exception {
        JsonNode doc = CliRun.of("scan", HostileCorpus.ROOT.resolve("bypass_pickle_loads_bytes.pkl").toString(),
                "--json").json();
        boolean inner = false;
        for (JsonNode g : doc.get("globals")) {
            inner |= g.get("name").asText().equals("posix.system")
                    && g.get("record").asText().equals("pickle 1 > bytes at 16");
        }
        assertTrue(inner, doc.toString());
    }

    @Test
    void corruptFileAfterAPayloadStillReportsThePayload() throws Exception {
        Path file = HostileCorpus.ROOT.resolve("bypass_payload_then_garbage.pkl");
        CliRun r = CliRun.of("scan", file.toString(), "--json");
        assertEquals(Cli.FINDING, r.code());
        assertEquals("dangerous", r.json().get("verdict").asText());
        assertTrue(r.err().startsWith("warning: incomplete scan: " + file), r.err());
    }

    @Test
    void unreadableInputIsAnErrorNamingTheFile() throws IOException {
        Path missing = dir.resolve("missing.pt");
        CliRun r = CliRun.of("scan", missing.toString(), "--json");
        assertEquals(Cli.ERROR, r.code());
        assertEquals("error: " + missing + ": no such file", r.err().strip());
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        CliRun notCheckpoint = CliRun.of("scan", text.toString());
        assertEquals(Cli.ERROR, notCheckpoint.code());
        assertTrue(notCheckpoint.err().startsWith("error: " + text + ": not a PyTorch checkpoint"),
                notCheckpoint.err());
        assertEquals(1, notCheckpoint.err().lines().count(), notCheckpoint.err());
    }
}
