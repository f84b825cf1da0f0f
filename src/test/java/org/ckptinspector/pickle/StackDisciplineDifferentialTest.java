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
        Comparison c = compare(TorchPython.torch213().runJson(SCRIPT, hex).get("pickles"), true);
        assertEquals(List.of(), c.problems());
        assertTrue(c.loads() >= 8 && c.loads() <= PICKLES.size() - 8, c.loads() + " of " + PICKLES.size() + " load");
    }

    /**
     * 4,000 random pickles of stack, container, memo and constant opcodes (random_pickles.py, fixed seed): the
     * reader opens exactly those CPython loads, type errors included (APPEND on a set, BUILD on an int, a list as
     * a dict key), and the scan reads every one CPython loads to its end.
     */
    @Test
    void randomPicklesLoadExactlyWhenCPythonLoadsThem() throws Exception {
        Comparison c = compare(TorchPython.torch213().runJson(RANDOM, List.of("20261207", "4000")).get("pickles"),
                false);
        assertEquals(List.of(), c.problems().subList(0, Math.min(20, c.problems().size())),
                c.problems().size() + " problems");
        assertTrue(c.compared() > 3500 && c.loads() > 300, c.compared() + " compared, " + c.loads() + " load");
    }

    private record Comparison(List<String> problems, int compared, int loads) {}

    /**
     * Each of {@code cpython}'s pickles (hex to {"loads", "error"}) read and scanned here: the reader must load
     * what CPython loads and refuse the rest; the scan must read to the end what CPython loads, and when
     * {@code scanRefusals}, stop at what it refuses.
     */
    private Comparison compare(JsonNode cpython, boolean scanRefusals) throws Exception {
        List<String> problems = new ArrayList<>();
        int compared = 0;
        int loads = 0;
        for (var it = cpython.fields(); it.hasNext(); ) {
            var e = it.next();
            byte[] bytes = HexFormat.of().parseHex(e.getKey());
            boolean load = e.getValue().get("loads").asBoolean();
            String why = load ? "CPython loads it" : "CPython refuses it (" + e.getValue().get("error").asText() + ")";
            compared++;
            loads += load ? 1 : 0;
            String reader;
            try {
                new RestrictedUnpickler("t.pkl", "t.pkl", new PythonCalls(), null).load(ByteRegion.of(bytes));
                reader = null;
            } catch (CheckpointException x) {
                reader = x.getMessage();
            }
            if (load != (reader == null)) {
                problems.add(e.getKey() + ": " + why + ", the reader "
                        + (reader == null ? "loads it" : "refuses: " + reader));
            }
            if (load || scanRefusals) {
                List<String> errors;
                try {
                    errors = CheckpointScanner.scan(Files.write(dir.resolve("p.pkl"), bytes), TaskMonitor.NONE)
                            .errors();
                } catch (CheckpointException x) {
                    errors = List.of(x.getMessage());
                }
                if (load != errors.isEmpty()) {
                    problems.add(e.getKey() + ": " + why + ", the scan "
                            + (errors.isEmpty() ? "reads it to its end" : "stops: " + errors));
                }
            }
        }
        return new Comparison(problems, compared, loads);
    }
}
