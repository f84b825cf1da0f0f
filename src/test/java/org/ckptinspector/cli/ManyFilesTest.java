package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan}, {@code inspect} and {@code stats} over many files and folders: output in argument and name order
 * whatever finishes first, each file's report the same as alone, JSON lines and a summary, the worst exit code,
 * and a SARIF log that the official SARIF 2.1.0 schema accepts.
 */
class ManyFilesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private Path safe() throws Exception {
        return Fixtures.file("torch-2.13", "simple_adam.pt");
    }

    private Path dangerous() {
        return PolicyCorpusTest.ROOT.resolve("p5_pty.spawn.pt");
    }

    private Path unreadable() {
        return HostileCorpus.ROOT.resolve("corrupt_bad_central_directory.pt");
    }

    /** A folder with a nested checkpoint, a broken one, and files no folder search picks up. */
    private Path zoo() throws Exception {
        Files.copy(safe(), dir.resolve("b_safe.pt"));
        Files.createDirectories(dir.resolve("a_sub"));
        Files.copy(dangerous(), dir.resolve("a_sub/model.bin"));
        Files.copy(unreadable(), dir.resolve("c_broken.pth"));
        Files.writeString(dir.resolve("README.md"), "not a checkpoint");
        Files.writeString(dir.resolve("config.json"), "{}");
        return dir;
    }

    @Test
    void scanOfAFolderPrintsAJsonLinePerFileInNameOrderThenASummary() throws Exception {
        Path zoo = zoo();
        CliRun r = CliRun.of("scan", zoo.toString(), "--json");
        assertEquals(Cli.ERROR, r.code(), "the worst verdict: one file is unreadable");
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r.out());
        List<Path> order = List.of(zoo.resolve("a_sub/model.bin"), zoo.resolve("b_safe.pt"),
                zoo.resolve("c_broken.pth"));
        for (int i = 0; i < 2; i++) {
            JsonNode line = MAPPER.readTree(lines.get(i));
            JsonNode alone = CliRun.of("scan", order.get(i).toString(), "--json").json();
            assertEquals(alone, line, "a file's line is its single-file document");
        }
        JsonNode broken = MAPPER.readTree(lines.get(2));
        assertEquals(order.get(2).toString(), broken.get("file").asText());
        assertEquals("error", broken.get("verdict").asText());
        assertTrue(broken.get("error").asText().contains(order.get(2).toString()), broken.toString());
        JsonNode summary = MAPPER.readTree(lines.get(3)).get("summary");
        assertEquals(MAPPER.readTree("{\"files\":3,\"safe\":1,\"unknown\":0,\"dangerous\":1,\"error\":1,"
                + "\"exit_code\":2}"), summary);
        assertTrue(r.err().startsWith("error: " + order.get(2)), r.err());
    }

    @Test
    void theExitCodeIsTheWorstVerdict() throws Exception {
        assertEquals(Cli.OK, CliRun.of("scan", safe().toString(), safe().toString()).code());
        assertEquals(Cli.FINDING, CliRun.of("scan", safe().toString(), dangerous().toString()).code());
        assertEquals(Cli.ERROR, CliRun.of("scan", unreadable().toString(), dangerous().toString()).code());
    }

    @Test
    void textOfManyFilesIsEachFilesReportInOrderThenTheSummary() throws Exception {
        List<String> files = new ArrayList<>(List.of(dangerous().toString(), safe().toString()));
        for (int i = 0; i < 6; i++) {
            files.add(PolicyCorpusTest.entries().get(i).path().toString());
        }
        StringBuilder expected = new StringBuilder();
        for (String f : files) {
            expected.append(CliRun.of("scan", f).out());
        }
        List<String> args = new ArrayList<>(List.of("scan"));
        args.addAll(files);
        CliRun many = CliRun.of(args.toArray(String[]::new));
        assertEquals(Cli.FINDING, many.code());
        String[] parts = many.out().split("\n");
        assertEquals(expected.toString(), many.out().substring(0, many.out().length()
                - parts[parts.length - 1].length() - 1));
        assertTrue(parts[parts.length - 1].matches("8 files scanned: 1 safe, \\d unknown, \\d dangerous, "
                + "0 unreadable"), parts[parts.length - 1]);
    }

    @Test
    void inspectAndStatsOfManyFilesAreTheSingleReportsInOrder() throws Exception {
        String a = safe().toString();
        String b = Fixtures.file("torch-2.13", "safetensors/with_metadata.safetensors").toString();
        for (String command : List.of("inspect", "stats")) {
            CliRun many = CliRun.of(command, a, b);
            assertEquals(Cli.OK, many.code(), many.err());
            assertEquals(CliRun.of(command, a).out() + CliRun.of(command, b).out(), many.out(), command);
            CliRun lines = CliRun.of(command, a, b, "--json");
            List<String> docs = lines.out().lines().toList();
            assertEquals(2, docs.size(), lines.out());
            assertEquals(CliRun.of(command, a, "--json").json(), MAPPER.readTree(docs.get(0)), command);
            assertEquals(CliRun.of(command, b, "--json").json(), MAPPER.readTree(docs.get(1)), command);
        }
    }

    /** What names no checkpoint file is refused by name at once: nothing hangs on a pipe or walks the cwd. */
    @Test
    void argumentsThatNameNoFileAreRefusedByName() throws Exception {
        CliRun empty = CliRun.of("inspect", "", "--json");
        assertEquals(Cli.ERROR, empty.code());
        assertEquals("", empty.out(), "the working directory is not searched");
        assertTrue(empty.err().startsWith("error: Invalid value for positional parameter at index 0..* (FILE): "
                + "an empty file name"), empty.err());

        Path loop = dir.resolve("loop.pt");
        Files.createSymbolicLink(loop, dir.resolve("other.pt"));
        Files.createSymbolicLink(dir.resolve("other.pt"), loop);
        assertEquals("error: " + loop + ": a symbolic link to no file (its target is missing, or links loop)",
                CliRun.of("inspect", loop.toString()).err().strip());

        Path fifo = dir.resolve("pipe.pt");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        for (String command : List.of("inspect", "scan", "stats")) {
            CliRun r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                    () -> CliRun.of(command, fifo.toString()));
            assertEquals(Cli.ERROR, r.code(), command);
            assertTrue(r.err().contains(fifo + ": not a regular file (a pipe, device or socket)"), r.err());
        }
    }

    @Test
    void aFileThatFailsAmongManyIsAnErrorLineAndTheOthersStillPrint() throws Exception {
        Path missing = dir.resolve("missing.pt");
        CliRun r = CliRun.of("inspect", missing.toString(), safe().toString(), "--json");
        assertEquals(Cli.ERROR, r.code());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        JsonNode error = MAPPER.readTree(lines.get(0));
        assertEquals(missing.toString(), error.get("file").asText());
        assertTrue(error.get("error").asText().contains("no such file"), error.toString());
        assertEquals(safe().toString(), MAPPER.readTree(lines.get(1)).get("file").asText());
        assertEquals("error: " + missing + ": no such file", r.err().strip());
    }

    @Test
    void sarifOfAFolderValidatesAgainstTheSarifSchema() throws Exception {
        CliRun r = CliRun.of("scan", PolicyCorpusTest.ROOT.toString(), "--sarif");
        assertEquals(Cli.FINDING, r.code(), r.err());
        JsonNode log = r.json();
        assertEquals(Set.of(), sarifSchema().validate(log), "schema violations");
        JsonNode results = log.get("runs").get(0).get("results");
        int expected = 0;
        for (PolicyCorpusTest.Entry e : PolicyCorpusTest.entries()) {
            for (JsonNode g : CliRun.of("scan", e.path().toString(), "--json").json().get("globals")) {
                if (!g.get("class").asText().equals("safe")) {
                    expected++;
                }
            }
        }
        assertEquals(expected, results.size(), "one result per unknown or dangerous global");
        boolean found = false;
        for (JsonNode res : results) {
            String uri = res.at("/locations/0/physicalLocation/artifactLocation/uri").asText();
            if (uri.equals(dangerous().toString()) && res.get("ruleId").asText().equals("dangerous-global")) {
                found = res.get("level").asText().equals("error")
                        && res.at("/properties/global").asText().equals("pty.spawn")
                        && res.get("message").get("text").asText().contains("archive/data.pkl");
            }
        }
        assertTrue(found, "the pty.spawn finding of " + dangerous());
        assertTrue(r.err().strip().endsWith("44 files scanned: 0 safe, 6 unknown, 38 dangerous, 0 unreadable"),
                r.err());
    }

    @Test
    void sarifNamesUnreadableFilesAndEncodesTheirPaths() throws Exception {
        Path spaced = dir.resolve("my model #1.pt");
        Files.copy(unreadable(), spaced);
        CliRun r = CliRun.of("scan", spaced.toString(), safe().toString(), "--sarif");
        assertEquals(Cli.ERROR, r.code());
        JsonNode log = r.json();
        assertEquals(Set.of(), sarifSchema().validate(log));
        JsonNode results = log.get("runs").get(0).get("results");
        assertEquals(1, results.size(), results.toString());
        assertEquals("incomplete-scan", results.get(0).get("ruleId").asText());
        String uri = results.get(0).at("/locations/0/physicalLocation/artifactLocation/uri").asText();
        assertEquals(spaced.toUri().toString(), uri);
        assertTrue(uri.contains("my%20model%20%231.pt"), uri);
    }

    /** The validator really validates: a log without its version is refused. */
    @Test
    void theSchemaRefusesABrokenLog() throws Exception {
        JsonNode log = CliRun.of("scan", dangerous().toString(), "--sarif").json();
        ((ObjectNode) log).remove("version");
        assertFalse(sarifSchema().validate(log).isEmpty());
    }

    /** A folder without a checkpoint is an error, not an empty "safe" run a CI job would pass. */
    @Test
    void aFolderWithoutCheckpointsIsAnError() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "no checkpoint here");
        for (String command : List.of("scan", "inspect", "stats")) {
            CliRun r = CliRun.of(command, dir.toString());
            assertEquals(Cli.ERROR, r.code(), command);
            assertEquals("", r.out());
            assertTrue(r.err().startsWith("error: " + dir + ": no checkpoint files in this folder"), r.err());
        }
    }

    @Test
    void jsonAndSarifCannotBeCombined() throws Exception {
        CliRun r = CliRun.of("scan", safe().toString(), "--json", "--sarif");
        assertEquals(Cli.ERROR, r.code());
        assertTrue(r.err().startsWith("error: --json and --sarif cannot be combined"), r.err());
    }

    private static JsonSchema sarifSchema() throws Exception {
        try (InputStream in = ManyFilesTest.class.getResourceAsStream("/json/sarif-schema-2.1.0.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

}
