package org.ckptinspector.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ckptinspector.export.TorchPython;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.security.CheckpointScanner;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpickler against CPython's C unpickler, which torch.load uses: a reader more lenient than CPython would
 * show what torch never reaches, a stricter one refuses what torch loads, and a scan stricter than CPython could
 * stop before a payload CPython runs.
 */
class StackDisciplineDifferentialTest {
    private static final Path SCRIPT = Path.of("src/test/python/pickle_loads.py");
    private static final Path RANDOM = Path.of("src/test/python/random_pickles.py");
    /** Protocol 2 pickles; K1 pushes 1, ( is MARK, 0 POP, 1 POP_MARK, 2 DUP, \u0094 MEMOIZE, \u0098 READONLY_BUFFER. */
    private static final List<String> PICKLES = List.of(
            "K\u0001(0.", "(0K\u0001.", "K\u0001(K\u000200.", "K\u0001(K\u00020.", "0.", "(0.", "K\u0001((00.",
            "K\u0001(1.", "(1.", "1.", "K\u0001(2.", "(2.", "K\u00012\u0086.", "K\u0001(\u0094.", "\u0094N.",
            "\u0098.", "\u0098N.", "(\u0098N.", "K\u0001(\u0098.", "C\u0001x\u0098.", "(C\u0001x\u0098t.",
            "K\u0001(.", "(K\u0001.", "(K\u0001t.", "K\u0001(t.", "(N.", "(.", ".");

    @TempDir
    Path dir;

    /**
     * Around the opcodes that look below the topmost MARK (pickle_loads.py says which load): the reader opens
     * exactly those, and the scan reads exactly those to their end.
     */
    @Test
    void thePicklesCPythonLoadsAreExactlyThoseReadAndScannedToTheirEnd() throws Exception {
        List<String> hex = new ArrayList<>();
        for (String p : PICKLES) {
            hex.add(HexFormat.of().formatHex(("\u0080\u0002" + p).getBytes(StandardCharsets.ISO_8859_1)));
        }
        JsonNode python = TorchPython.torch213().runJson(SCRIPT, hex).get("pickles");
        List<String> problems = new ArrayList<>();
        int loads = 0;
        for (int i = 0; i < hex.size(); i++) {
            String h = hex.get(i);
            JsonNode want = python.get(h);
            boolean cpython = want.get("loads").asBoolean();
            loads += cpython ? 1 : 0;
            String why = cpython ? "CPython loads it" : "CPython refuses it (" + want.get("error").asText() + ")";
            byte[] bytes = HexFormat.of().parseHex(h);
            String reader;
            try {
                new RestrictedUnpickler("t.pkl", "t.pkl", new PythonCalls(), null).load(ByteRegion.of(bytes));
                reader = null;
            } catch (CheckpointException e) {
                reader = e.getMessage();
            }
            if (cpython != (reader == null)) {
                problems.add(h + ": " + why + ", the reader " + (reader == null ? "loads it" : "refuses: " + reader));
            }
            Path file = Files.write(dir.resolve(i + ".pkl"), bytes);
            List<String> errors;
            try {
                errors = CheckpointScanner.scan(file, TaskMonitor.NONE).errors();
            } catch (CheckpointException e) {
                errors = List.of(e.getMessage());
            }
            if (cpython != errors.isEmpty()) {
                problems.add(h + ": " + why + ", the scan " + (errors.isEmpty() ? "reads it to its end" : errors));
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(loads >= 8 && loads <= PICKLES.size() - 8, loads + " of " + PICKLES.size() + " load");
    }

    /**
     * 4,000 random pickles of stack, container, memo and constant opcodes (random_pickles.py, fixed seed): the
     * reader opens exactly those CPython loads, type errors included (APPEND on a set, BUILD on an int, a list as
     * a dict key), and the scan reads every one CPython loads to its end.
     */
    @Test
    void randomPicklesLoadExactlyWhenCPythonLoadsThem() throws Exception {
        JsonNode python = TorchPython.torch213().runJson(RANDOM, List.of("20261207", "4000")).get("pickles");
        List<String> problems = new ArrayList<>();
        int loads = 0;
        int compared = 0;
        for (var it = python.fields(); it.hasNext(); ) {
            var e = it.next();
            byte[] bytes = HexFormat.of().parseHex(e.getKey());
            boolean cpython = e.getValue().get("loads").asBoolean();
            String error = e.getValue().get("error").asText();
            compared++;
            loads += cpython ? 1 : 0;
            String reader;
            try {
                new RestrictedUnpickler("t.pkl", "t.pkl", new PythonCalls(), null).load(ByteRegion.of(bytes));
                reader = null;
            } catch (CheckpointException x) {
                reader = x.getMessage();
            }
            if (cpython != (reader == null)) {
                problems.add(e.getKey() + ": CPython " + (cpython ? "loads it" : "refuses it (" + error + ")")
                        + ", the reader " + (reader == null ? "loads it" : "refuses: " + reader));
            }
            if (cpython) {
                Path file = Files.write(dir.resolve("r.pkl"), bytes);
                List<String> errors = CheckpointScanner.scan(file, TaskMonitor.NONE).errors();
                if (!errors.isEmpty()) {
                    problems.add(e.getKey() + ": CPython loads it, the scan stops: " + errors);
                }
            }
        }
        assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())), problems.size() + " problems");
        assertTrue(compared > 3500 && loads > 300, compared + " compared, " + loads + " load");
    }
}
