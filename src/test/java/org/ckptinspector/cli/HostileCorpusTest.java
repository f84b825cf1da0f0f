package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.GlobalPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the hostile corpus against its manifest: {@code scan} flags each payload with the dangerous
 * globals it names, or refuses a broken file with exit code 2 and a short message naming the file; opening it
 * either fails with a one-line {@link CheckpointException} or succeeds, still showing the tensors of a normal
 * state_dict that carries a payload, with the payload's globals among the file's unsafe ones.
 */
class HostileCorpusTest {
    static List<HostileCorpus.Entry> entries() {
        return HostileCorpus.entries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void scanFlagsOrRefuses(HostileCorpus.Entry e) throws Exception {
        CliRun r = CliRun.of("scan", e.path().toString(), "--json");
        JsonNode want = e.scan();
        assertEquals(want.get("exit").asInt(), r.code(), r.out() + r.err());
        assertCleanDiagnostics(r.err());
        if (r.code() == Cli.ERROR) {
            assertEquals("", r.out());
            List<String> lines = r.err().lines().toList();
            assertTrue(lines.size() >= 1 && lines.size() <= 3, r.err());
            assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(e.path().toString()), r.err());
            return;
        }
        JsonNode doc = r.json();
        assertEquals(e.path().toString(), doc.get("file").asText());
        if (want.has("verdict")) {
            assertEquals(want.get("verdict").asText(), doc.get("verdict").asText());
        }
        for (String name : e.strings(want, "dangerous")) {
            boolean listed = false;
            for (JsonNode g : doc.get("globals")) {
                listed |= g.get("name").asText().equals(name) && g.get("class").asText().equals("dangerous")
                        && g.get("offset").asLong() >= 0 && !g.get("record").asText().isEmpty();
            }
            assertTrue(listed, name + " not listed as dangerous in " + doc);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void openShowsTensorsOrFailsInOneLine(HostileCorpus.Entry e) throws Exception {
        JsonNode want = e.open();
        String outcome = want.get("outcome").asText();
        Checkpoint c;
        try {
            c = CheckpointOpener.open(e.path());
        } catch (CheckpointException ex) {
            assertTrue(outcome.startsWith("error"), "expected " + outcome + ", failed: " + ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
            assertTrue(ex.getMessage().startsWith(e.path().toString()), ex.getMessage());
            assertCleanDiagnostics(ex.getMessage());
            return;
        }
        try (c) {
            assertNotEquals("error", outcome, "opened a file the manifest expects to be refused");
            List<String> problems = new ArrayList<>(c.warnings());
            c.tensors().forEach(t -> problems.addAll(t.problems()));
            if (outcome.equals("warning") || outcome.equals("error-or-warning")) {
                assertFalse(problems.isEmpty(), "opened without a warning");
            }
            List<String> keys = c.tensors().stream().map(TensorRef::key).toList();
            for (String k : e.strings(want, "tensors")) {
                assertTrue(keys.contains(k), k + " missing from " + keys);
            }
            for (String g : e.strings(want, "unsafe_globals")) {
                assertTrue(c.globalNames().contains(g), g + " missing from " + c.globalNames());
                assertNotEquals(GlobalClass.SAFE, GlobalPolicy.classify(g));
            }
        }
    }

    /**
     * Whatever pickle of a file carries the payload (the main one, an appended one, an extra record, bytes
     * embedded in the data), {@code inspect --json} lists its dangerous globals among the unsafe ones whenever
     * the file opens at all, as {@code scan} does.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void inspectNamesEveryDangerousGlobalTheScanFinds(HostileCorpus.Entry e) {
        List<String> dangerous = e.strings(e.scan(), "dangerous");
        CliRun r = CliRun.of("inspect", e.path().toString(), "--json");
        if (dangerous.isEmpty() || r.code() != Cli.OK) {
            return;
        }
        List<String> unsafe = new ArrayList<>();
        try {
            r.json().get("unsafe_globals").forEach(n -> unsafe.add(n.asText()));
        } catch (java.io.IOException ex) {
            fail("inspect --json printed no JSON: " + r.out());
        }
        for (String g : dangerous) {
            assertTrue(unsafe.contains(g), g + " missing from inspect's unsafe_globals " + unsafe);
        }
    }

    /** The corpus itself: every payload is dangerous to scan, and the generator saw the payloads run. */
    @Test
    void everyPayloadIsFlaggedDangerousAndWasSeenRunning() {
        int payloads = 0;
        for (HostileCorpus.Entry e : HostileCorpus.entries()) {
            if (e.category().equals("payload") || e.category().equals("bypass")) {
                payloads++;
                assertEquals("dangerous", e.scan().get("verdict").asText(), e.name());
                assertFalse(e.strings(e.scan(), "dangerous").isEmpty(), e.name());
            } else {
                assertNotEquals(1, e.scan().get("exit").asInt(), e.name() + ": a broken file is no finding");
            }
            if (e.node().has("verified") && e.node().get("verified").asText().contains("payload")) {
                assertTrue(e.node().get("verified").asText().startsWith("payload ran"), e.name());
            }
        }
        assertTrue(payloads >= 40, "payloads: " + payloads);
    }

    @Test
    void everyFileOfTheFolderIsInTheManifest() throws Exception {
        List<String> listed = HostileCorpus.entries().stream().map(HostileCorpus.Entry::name).toList();
        try (var files = java.nio.file.Files.walk(HostileCorpus.ROOT)) {
            for (java.nio.file.Path p : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String rel = HostileCorpus.ROOT.relativize(p).toString().replace('\\', '/');
                if (!rel.equals("manifest.json") && !rel.equals("make_hostile.py") && !listed.contains(rel)) {
                    fail(rel + " is not in the manifest");
                }
            }
        }
    }

    /** Messages never leak a stack trace or an exhausted JVM. */
    static void assertCleanDiagnostics(String text) {
        for (String bad : new String[] {"\tat ", "Exception in thread", "OutOfMemoryError", "StackOverflowError",
            "internal error", "unexpected structure"}) {
            assertFalse(text.contains(bad), text);
        }
    }

    @Test
    void aCorruptSafetensorsHeaderIsNamedInTheMessage() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(
                HostileCorpus.ROOT.resolve("st_header_too_large.safetensors")));
        assertEquals(CheckpointException.Kind.LIMIT_EXCEEDED, e.kind());
        assertTrue(e.getMessage().contains("exceeds the limit of 100000000 bytes"), e.getMessage());
    }
}
