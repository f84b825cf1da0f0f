package org.ckptinspector.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.security.CheckpointGlobals;
import org.junit.jupiter.api.Test;

/**
 * The weights_only verdict on every torch fixture (torch 1.13 and 2.13 files, training checkpoints) against what
 * torch 2.13's {@code torch.load(f)} does with it, asked once in one process: loads or not, the global it names
 * when it refuses one, the opcode it names when its unpickler does not implement one.
 */
class WeightsOnlyAllFixturesTest {
    private static final String TORCH_SAYS = """
            import json, re, sys, warnings
            warnings.filterwarnings("ignore")
            import torch
            out = {}
            for f in sys.argv[1:]:
                try:
                    torch.load(f, map_location="cpu")
                    out[f] = {"loads": True}
                except Exception as e:
                    g = re.search(r"GLOBAL ([\\w.]+) was not an allowed global", str(e))
                    op = re.search(r"Unsupported operand (\\d+)", str(e))
                    out[f] = {"loads": False, "global": g.group(1) if g else None,
                              "opcode": int(op.group(1)) if op else None, "error": str(e)[:300]}
            print(json.dumps(out))
            """;

    @Test
    void everyVerdictIsWhatTorch213Does() throws Exception {
        List<Path> files = fixtures();
        assertTrue(files.size() > 60, "fixtures: " + files.size());
        JsonNode torch = torchSays(files);
        for (Path f : files) {
            JsonNode t = torch.get(f.toString());
            WeightsOnlyVerdict v;
            try (Checkpoint c = CheckpointOpener.open(f)) {
                v = WeightsOnlyVerdict.of(c, CheckpointGlobals.names(c));
            }
            if (v == null) {
                continue;
            }
            String what = f + ": torch says " + t;
            assertEquals(t.get("loads").asBoolean(), v.loads(), what);
            if (t.hasNonNull("global")) {
                assertTrue(v.blocking().contains(t.get("global").asText()), what + "; we say " + v.blocking());
            }
            if (t.hasNonNull("opcode")) {
                int code = t.get("opcode").asInt();
                assertNull(v.snippet(), what);
                String name = java.util.Arrays.stream(org.ckptinspector.pickle.Opcode.values())
                        .filter(o -> o.code() == code).findFirst().orElseThrow().name();
                assertTrue(v.reason().contains(name), what + "; we say " + v.reason());
            }
            if (v.loads()) {
                assertTrue(v.blocking().isEmpty(), what);
            } else {
                assertFalse(v.snippet() == null && v.reason() == null, what);
            }
        }
    }

    private static List<Path> fixtures() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("src/test/resources/fixtures/torch-1.13", "src/test/resources/fixtures/torch-2.13",
                "src/test/resources/training/torch-1.13", "src/test/resources/training/torch-2.13")) {
            try (Stream<Path> s = Files.list(Path.of(dir))) {
                s.filter(p -> p.toString().matches(".*\\.(pt|pth|ckpt|bin)$")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static JsonNode torchSays(List<Path> files) throws Exception {
        String configured = System.getenv("TORCH213_PYTHON");
        Path exe = Path.of(configured == null || configured.isBlank() ? "/opt/torch213/bin/python" : configured);
        assertTrue(Files.isExecutable(exe), "torch 2.13 Python missing at " + exe + " (set TORCH213_PYTHON)");
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-c", TORCH_SAYS));
        files.forEach(f -> cmd.add(f.toString()));
        Path out = Files.createTempFile("weights-only-all", ".json");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "torch 2.13 did not finish");
            assertEquals(0, p.exitValue(), Files.readString(out));
            return new ObjectMapper().readTree(out.toFile());
        } finally {
            Files.delete(out);
        }
    }
}
