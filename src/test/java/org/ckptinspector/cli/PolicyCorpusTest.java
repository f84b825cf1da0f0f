package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.ckptinspector.app.UnsafeGlobals;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.GlobalPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classification corpus of issue 13, class 5 (src/test/resources/hostile-policy, made by
 * make_policy_corpus.py with real torch): every file that calls a callable reaching processes, files or code, or
 * reaches one through a module alias or a private twin, is dangerous to {@code scan} (exit 1) and to
 * {@code inspect}'s unsafe_globals alike; every benign look-alike stays unknown, with no dangerous global.
 */
class PolicyCorpusTest {
    static final Path ROOT = Path.of("src/test/resources/hostile-policy");

    record Entry(String file, String kind, List<String> globals) {
        Path path() {
            return ROOT.resolve(file);
        }

        boolean dangerous() {
            return kind.equals("dangerous");
        }

        @Override
        public String toString() {
            return file;
        }
    }

    static List<Entry> entries() {
        try {
            JsonNode manifest = new ObjectMapper().readTree(ROOT.resolve("manifest.json").toFile());
            List<Entry> out = new ArrayList<>();
            for (JsonNode f : manifest.get("files")) {
                List<String> globals = new ArrayList<>();
                f.get("globals").forEach(g -> globals.add(g.asText()));
                out.add(new Entry(f.get("file").asText(), f.get("kind").asText(), globals));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void scanClassifiesEveryFile(Entry e) throws Exception {
        CliRun r = CliRun.of("scan", e.path().toString(), "--json");
        assertEquals(Cli.FINDING, r.code(), r.err());
        JsonNode doc = r.json();
        Set<String> dangerous = new TreeSet<>();
        Set<String> listed = new TreeSet<>();
        for (JsonNode g : doc.get("globals")) {
            listed.add(g.get("name").asText());
            if (g.get("class").asText().equals("dangerous")) {
                dangerous.add(g.get("name").asText());
            }
        }
        if (e.dangerous()) {
            assertEquals("dangerous", doc.get("verdict").asText());
            assertEquals(new TreeSet<>(e.globals()), dangerous, e.file());
        } else {
            assertEquals("unknown", doc.get("verdict").asText(), doc.toString());
            assertEquals(Set.of(), dangerous, e.file());
            assertEquals(new TreeSet<>(e.globals()), listed, "scan lists what pickletools found");
        }
    }

    /** inspect's unsafe_globals, classified as the app's security banner classifies them, agree with scan. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void inspectAgreesWithScan(Entry e) throws Exception {
        if (!e.file().endsWith(".pt")) {
            return; // a bare DCP .metadata pickle is no checkpoint inspect opens
        }
        CliRun r = CliRun.of("inspect", e.path().toString(), "--json");
        assertEquals(Cli.OK, r.code(), r.err());
        JsonNode doc = r.json();
        List<String> keys = new ArrayList<>();
        doc.get("tensors").forEach(t -> keys.add(t.get("key").asText()));
        assertTrue(keys.stream().anyMatch(k -> k.endsWith("fc.weight"))
                && keys.stream().anyMatch(k -> k.endsWith("fc.bias")), "the state_dict still shows: " + keys);
        Set<String> unsafe = new TreeSet<>();
        Set<String> dangerous = new TreeSet<>();
        doc.get("unsafe_globals").forEach(g -> unsafe.add(g.asText()));
        for (UnsafeGlobals.Finding f : UnsafeGlobals.of(new ArrayList<>(unsafe))) {
            if (f.verdict() == GlobalClass.DANGEROUS) {
                dangerous.add(f.name());
            }
        }
        Set<String> scanDangerous = new TreeSet<>();
        CliRun.of("scan", e.path().toString(), "--json").json().get("globals").forEach(g -> {
            if (g.get("class").asText().equals("dangerous")) {
                scanDangerous.add(g.get("name").asText());
            }
        });
        assertEquals(scanDangerous, dangerous, e.file());
        for (String g : e.globals()) {
            if (GlobalPolicy.classify(g) != GlobalClass.SAFE) {
                assertTrue(unsafe.contains(g), g + " missing from " + unsafe);
            }
        }
    }

    @Test
    void theCorpusCoversBothKinds() {
        long dangerous = entries().stream().filter(Entry::dangerous).count();
        assertTrue(dangerous >= 35, "hostile files: " + dangerous);
        assertNotEquals(0, entries().size() - dangerous, "benign look-alikes");
    }

    @Test
    void everyFileOfTheFolderIsInTheManifest() throws IOException {
        List<String> listed = entries().stream().map(Entry::file).toList();
        try (var files = Files.walk(ROOT)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String rel = ROOT.relativize(p).toString().replace('\\', '/');
                if (!rel.equals("manifest.json") && !rel.equals("make_policy_corpus.py") && !listed.contains(rel)) {
                    fail(rel + " is not in the manifest");
                }
            }
        }
    }

    /** inspect and scan on every file of the corpus in a 128 MiB JVM: exit 0, 1 or 2, no stack trace or OOM. */
    @Test
    void everyFileInA128MegabyteJvm() throws Exception {
        assertTrue(LowMemoryCliTest.assertEveryFileCleanIn128MegabyteJvm(ROOT) > 0);
    }
}
