package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way of asking for help works, including the one the usage errors suggest ({@code COMMAND --help}). */
class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"inspect", "stats", "diff", "export", "scan"})
    void eachCommandAnswersHelpWithItsOwnUsage(String command) {
        for (String[] args : new String[][] {{command, "--help"}, {command, "-h"}, {"help", command}}) {
            CliRun r = CliRun.of(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: checkpoint-inspector " + command + " "), r.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "help"})
    void theTopLevelHelpListsEveryCommand(String word) {
        CliRun r = CliRun.of(word);
        assertEquals(0, r.code(), r.err());
        for (String command : new String[] {"inspect", "stats", "diff", "export", "scan"}) {
            assertTrue(r.out().contains("\n  " + command + " "), command + " in:\n" + r.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionIsPrinted(String word) {
        CliRun r = CliRun.of("export", word);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("Checkpoint Inspector "), r.out());
    }
}
