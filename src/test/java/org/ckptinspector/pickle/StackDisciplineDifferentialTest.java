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
 * The stack and its MARKs as CPython's C unpickler keeps them (src/test/python/pickle_loads.py): which of these
 * pickles load, around the opcodes that look below the topmost MARK. The reader opens exactly those, and the scan
 * reads exactly those to their end: a reader more lenient than CPython would show what torch never reaches, a
 * stricter one refuses what torch loads.
 */
class StackDisciplineDifferentialTest {
    private static final Path SCRIPT = Path.of("src/test/python/pickle_loads.py");
    /** Protocol 2 pickles; K1 pushes 1, ( is MARK, 0 POP, 1 POP_MARK, 2 DUP, \u0094 MEMOIZE, \u0098 READONLY_BUFFER. */
    private static final List<String> PICKLES = List.of(
            "K\u0001(0.", "(0K\u0001.", "K\u0001(K\u000200.", "K\u0001(K\u00020.", "0.", "(0.", "K\u0001((00.",
            "K\u0001(1.", "(1.", "1.", "K\u0001(2.", "(2.", "K\u00012\u0086.", "K\u0001(\u0094.", "\u0094N.",
            "\u0098.", "\u0098N.", "(\u0098N.", "K\u0001(\u0098.", "C\u0001x\u0098.", "(C\u0001x\u0098t.",
            "K\u0001(.", "(K\u0001.", "(K\u0001t.", "K\u0001(t.", "(N.", "(.", ".");

    @TempDir
    Path dir;

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
}
