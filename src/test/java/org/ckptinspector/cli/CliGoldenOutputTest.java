package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line prints, byte for byte, what the build of {@code main} before the start-up rework printed:
 * inspect (text, --json, --json --hash) of every fixture, --version and the help texts. The expected outputs
 * were written by src/test/golden/generate.sh with that build's jar, never by hand.
 */
class CliGoldenOutputTest {
    private static final Path GOLDEN = Path.of("src/test/resources/cli-golden");
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    static List<Path> goldens() throws IOException {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("goldens")
    void printsWhatTheEarlierBuildPrinted(Path golden) throws IOException {
        String expected = Files.readString(golden, StandardCharsets.UTF_8);
        String[] args = expected.substring("args: ".length(), expected.indexOf('\n')).split("\t");
        assertEquals(expected, run(args));
    }

    /** Every fixture a user could open has its three outputs, so a new fixture cannot go unchecked. */
    @Test
    void everyFixtureHasItsOutputs() throws IOException {
        Set<String> covered = new HashSet<>();
        for (Path g : goldens()) {
            String doc = Files.readString(g, StandardCharsets.UTF_8);
            covered.add(doc.substring("args: ".length(), doc.indexOf('\n')));
        }
        try (Stream<Path> all = Files.walk(FIXTURES)) {
            List<Path> fixtures = all.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().matches("manifest\\.json|compat\\.json|.*\\.(py|md|sh)"))
                    .toList();
            assertTrue(fixtures.size() > 50, "fixtures found: " + fixtures.size());
            for (Path f : fixtures) {
                for (String variant : List.of("", "\t--json", "\t--json\t--hash")) {
                    String args = "inspect\t" + f + variant;
                    assertTrue(covered.contains(args), "no expected output for " + args.replace('\t', ' ')
                            + "; run src/test/golden/generate.sh");
                }
            }
        }
    }

    /** The same document as Generate.java writes: arguments, exit code, standard output and standard error. */
    private static String run(String[] args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return "args: " + String.join("\t", args) + "\nexit: " + code + "\n--- stdout\n"
                + o.toString(StandardCharsets.UTF_8) + "--- stderr\n" + e.toString(StandardCharsets.UTF_8);
    }
}
