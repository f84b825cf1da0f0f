package org.ckptinspector.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.security.CheckpointGlobals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The weights_only verdict against what torch 2.13's {@code torch.load(f)} said of each training fixture
 * (check_weights_only.py): whether it loads, and the globals torch asked for one after another; and the snippet,
 * run in torch 2.13, makes the file load.
 */
class WeightsOnlyVerdictTest {
    private static final JsonNode TORCH = TrainingFixtures.weightsOnly();

    @Test
    void verdictAndBlockingGlobalsAreTorchs() throws Exception {
        for (Iterator<Map.Entry<String, JsonNode>> it = TORCH.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            WeightsOnlyVerdict v = verdict(TrainingFixtures.DIR.resolve(e.getKey()));
            assertEquals(e.getValue().get("loads").asBoolean(), v.loads(), e.getKey());
            Set<String> asked = new LinkedHashSet<>();
            e.getValue().get("needed").forEach(n -> asked.add(n.asText().contains(".") ? n.asText()
                    : "builtins." + n.asText()));
            assertEquals(asked, new LinkedHashSet<>(v.blocking()), e.getKey());
            assertEquals(v.loads(), v.snippet() == null, e.getKey());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"torch-1.13/adamw.pt", "torch-2.13/adamw.pt", "torch-1.13/numpy.pt",
        "torch-2.13/numpy.pt", "torch-2.13/quantized.pt"})
    void theSnippetMakesTorchLoadTheFile(String file) throws Exception {
        WeightsOnlyVerdict v = verdict(TrainingFixtures.DIR.resolve(file));
        assertFalse(v.loads());
        String script = "import torch\nclass QNet(torch.nn.Module):\n    pass\n" + v.snippet() + "\ntorch.load("
                + "\"" + TrainingFixtures.DIR.resolve(file).toAbsolutePath() + "\")\nprint('loaded')\n";
        assertEquals("loaded", runTorch213(script), v.snippet());
    }

    @Test
    void aDangerousGlobalIsNeverOfferedForAllowing() throws Exception {
        WeightsOnlyVerdict v = verdict(Path.of("src/test/resources/gui/dangerous_reduce.pt"));
        assertFalse(v.loads());
        assertNull(v.snippet());
        assertTrue(v.reason().contains("never allow"), v.reason());
        assertTrue(v.blocking().stream().anyMatch(v.reason()::contains), v.reason());
    }

    private static WeightsOnlyVerdict verdict(Path file) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            return WeightsOnlyVerdict.of(c, CheckpointGlobals.names(c));
        }
    }

    private static String runTorch213(String script) throws Exception {
        String configured = System.getenv("TORCH213_PYTHON");
        Path exe = Path.of(configured == null || configured.isBlank() ? "/opt/torch213/bin/python" : configured);
        assertTrue(Files.isExecutable(exe), "torch 2.13 Python missing at " + exe + " (set TORCH213_PYTHON)");
        Path out = Files.createTempFile("weights-only", ".out");
        Process p = new ProcessBuilder(List.of(exe.toString(), "-W", "ignore", "-c", script))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "torch 2.13 did not finish");
        String text = Files.readString(out, StandardCharsets.UTF_8).strip();
        Files.delete(out);
        return text.lines().reduce((a, b) -> b).orElse("") + (p.exitValue() == 0 ? "" : "\n" + text);
    }
}
