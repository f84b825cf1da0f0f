package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.app.UnsafeGlobals;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.security.CheckpointGlobals;
import org.ckptinspector.security.CheckpointScanner;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.GlobalPolicy;
import org.ckptinspector.security.ScanFinding;
import org.ckptinspector.security.ScanReport;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The container corpus (src/test/resources/containers, written by make_containers.py): files that torch reads
 * by miniz's, tarfile's and CPython's rules. {@code scan} flags every payload (exit 1) or refuses what torch
 * cannot load (exit 2), leaves look-alikes unflagged, and {@code inspect}, {@code scan} and the app's banner
 * never disagree on a dangerous global.
 */
class ContainerCorpusTest {
    static final Path ROOT = Path.of("src/test/resources/containers");

    static List<JsonNode> entries() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(ROOT.resolve("manifest.json").toFile()).get("files").forEach(out::add);
        return out;
    }

    private static Path path(JsonNode e) {
        return ROOT.resolve(e.get("file").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void scanFlagsRefusesOrPasses(JsonNode e) throws Exception {
        CliRun r = CliRun.of("scan", path(e).toString(), "--json");
        assertEquals(e.get("exit").asInt(), r.code(), e.get("description").asText() + "\n" + r.out() + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), r.err());
        if (r.code() == Cli.FINDING) {
            Set<String> dangerous = new TreeSet<>();
            r.json().get("globals").forEach(g -> {
                if (g.get("class").asText().equals("dangerous")) {
                    dangerous.add(g.get("name").asText());
                }
            });
            e.get("dangerous").forEach(d -> assertTrue(dangerous.contains(d.asText()), d + " not in " + dangerous));
        }
    }

    /**
     * No dangerous global appears in one of inspect, the banner and scan and not in the others: what inspect
     * lists the banner shows and the scan finds; what the scan finds, inspect lists too, or it refuses the file,
     * or it warns about the records it does not show.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void inspectScanAndBannerAgree(JsonNode e) throws Exception {
        Path p = path(e);
        Set<String> scanned = new TreeSet<>();
        try {
            ScanReport report = CheckpointScanner.scan(p, TaskMonitor.NONE);
            for (ScanFinding f : report.globals()) {
                if (f.globalClass() == GlobalClass.DANGEROUS) {
                    scanned.add(f.global().qualifiedName());
                }
            }
        } catch (CheckpointException ex) {
            // refused by scan: inspect must not list a dangerous global either
        }
        Checkpoint c;
        try {
            c = CheckpointOpener.open(p);
        } catch (CheckpointException ex) {
            return;
        }
        try (c) {
            List<String> names = CheckpointGlobals.names(c);
            Set<String> inspect = new TreeSet<>();
            CheckpointGlobals.unsafe(names).stream().filter(n -> GlobalPolicy.classify(n) == GlobalClass.DANGEROUS)
                    .forEach(inspect::add);
            Set<String> banner = new TreeSet<>();
            UnsafeGlobals.of(names).stream().filter(f -> f.verdict() == GlobalClass.DANGEROUS)
                    .forEach(f -> banner.add(f.name()));
            assertEquals(inspect, banner, "inspect and the banner");
            assertTrue(scanned.containsAll(inspect), "inspect " + inspect + ", scan " + scanned);
            if (!inspect.containsAll(scanned)) {
                assertFalse(c.warnings().isEmpty(), "scan finds " + scanned + ", inspect shows " + inspect
                        + " without a warning");
            }
        }
    }

    /** Both commands on every file in a 128 MiB JVM: exit 0, 1 or 2, no stack trace, no exhausted heap. */
    @Test
    void everyFileInA128MegabyteJvm() throws Exception {
        assertEquals(2 * entries().size(), LowMemoryCliTest.assertEveryFileCleanIn128MegabyteJvm(ROOT));
    }
}
