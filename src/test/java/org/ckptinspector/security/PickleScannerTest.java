package org.ckptinspector.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ckptinspector.PickleBuilder;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;

/**
 * The static scanner's model of the unpickler: which strings reach STACK_GLOBAL, where it must give up and say
 * so, and what it reports when a pickle is broken or beyond its limits. Whole hostile files are in the corpus
 * test; these pin down the mechanics one opcode at a time.
 */
class PickleScannerTest {

    private static ScanReport scan(byte[] pickle) {
        ScanCollector out = new ScanCollector();
        new PickleScanner(out, TaskMonitor.NONE, (payload, record, into, depth) -> false, 0)
                .scanRecord(ByteRegion.of(pickle), "data.pkl", "test.pkl");
        return out.report(null);
    }

    private static PickleBuilder proto4() {
        return new PickleBuilder().op(0x80).op(4);
    }

    private static PickleBuilder shortStr(PickleBuilder b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return b.op(0x8c).op(bytes.length).raw(bytes);
    }

    private static List<String> names(ScanReport r) {
        return r.globals().stream().map(ScanFinding::name).toList();
    }

    @Test
    void popOnAnEmptyFramePopsTheMarkAsPythonDoes() {
        // 'os' MARK POP 'system' STACK_GLOBAL: the POP removes the MARK, not 'os'
        PickleBuilder b = shortStr(proto4(), "os").mark().op('0');
        byte[] p = shortStr(b, "system").op(0x93).stop();
        ScanReport r = scan(p);
        assertEquals(List.of("os.system"), names(r));
        assertEquals(GlobalClass.DANGEROUS, r.verdict());
        assertTrue(r.isComplete(), r.errors().toString());
    }

    @Test
    void stackGlobalOffsetIsThatOfTheOpcode() {
        byte[] p = shortStr(shortStr(proto4(), "os"), "system").op(0x93).stop();
        ScanReport r = scan(p);
        assertEquals(14, r.globals().get(0).global().offset());
        assertEquals((byte) 0x93, p[14]);
    }

    @Test
    void anOperandTooLongToBeANameIsUnresolvedNotDropped() {
        byte[] longModule = "m".repeat(PickleScanner.MAX_NAME_CHARS + 1).getBytes(StandardCharsets.UTF_8);
        byte[] p = shortStr(proto4().op('X').raw(PickleBuilder.le4(longModule.length)).raw(longModule), "system")
                .op(0x93).stop();
        ScanReport r = scan(p);
        assertEquals(List.of("<long string>.system"), names(r));
        assertEquals(GlobalClass.DANGEROUS, r.verdict());
    }

    @Test
    void memoBeyondItsLimitIsUnresolvedNotRefused() {
        PickleBuilder b = proto4().op('N').repeat(0x94, PickleScanner.MAX_MEMO).op('0');
        b = shortStr(b, "os").op(0x94).op('0');
        b.op('j').raw(PickleBuilder.le4(PickleScanner.MAX_MEMO));
        byte[] p = shortStr(b, "system").op(0x93).stop();
        ScanReport r = scan(p);
        assertTrue(r.isComplete(), r.errors().toString());
        assertEquals(List.of("<unfollowed memo entry>.system"), names(r));
        assertEquals(GlobalClass.DANGEROUS, r.verdict());
    }

    @Test
    void theStackLimitEndsTheScanButKeepsWhatCameBefore() {
        byte[] p = PickleBuilder.proto2().global("os", "system").repeat('N', PickleScanner.MAX_STACK).stop();
        ScanReport r = scan(p);
        assertEquals(List.of("os.system"), names(r));
        assertFalse(r.isComplete());
        assertTrue(r.errors().get(0).contains("stack grows beyond 1000000 entries"), r.errors().toString());
    }

    @Test
    void extensionCodesAreUnresolvedGlobals() {
        ScanReport r = scan(PickleBuilder.proto2().op(0x83).op(0x34).op(0x12).stop());
        assertEquals(List.of("copyreg.<extension code 4660>"), names(r));
        assertEquals(GlobalClass.DANGEROUS, r.verdict());
    }

    @Test
    void instNamesItsClassAndObjCallsWhatAGlobalNamed() {
        byte[] inst = new PickleBuilder().mark().op('i').raw("os\nsystem\n".getBytes(StandardCharsets.UTF_8)).stop();
        assertEquals(List.of("os.system"), names(scan(inst)));
        byte[] obj = new PickleBuilder().mark().global("subprocess", "Popen").op('o').stop();
        assertEquals(List.of("subprocess.Popen"), names(scan(obj)));
    }

    @Test
    void textThatIsAWholeProtocolZeroPickleIsScannedTextThatMerelyLooksLikeOneIsNot() {
        byte[] payload = "cos\nsystem\n(S'echo'\ntR.".getBytes(StandardCharsets.ISO_8859_1);
        ScanReport r = scan(PickleBuilder.proto2().str(new String(payload, StandardCharsets.ISO_8859_1)).stop());
        assertEquals(List.of("os.system"), names(r));
        assertEquals("data.pkl > bytes at 2", r.globals().get(0).global().record());
        // a key that starts like GLOBAL ('c') but is no pickle: nothing to report, nothing wrong
        ScanReport key = scan(PickleBuilder.proto2().str("conv1.weight").stop());
        assertEquals(List.of(), names(key));
        assertTrue(key.isComplete() && key.warnings().isEmpty());
    }

    @Test
    void picklesNestedDeeperThanTheLimitAreLeftToTheDangerousCallsAbove() {
        byte[] inner = PickleBuilder.proto2().global("os", "system").stop();
        for (int level = 0; level < PickleScanner.MAX_EMBEDDING_DEPTH + 1; level++) {
            inner = new PickleBuilder().op(0x80).op(3).global("pickle", "loads").op('B')
                    .raw(PickleBuilder.le4(inner.length)).raw(inner).op(0x85).op('R').stop();
        }
        ScanReport r = scan(inner);
        assertEquals(GlobalClass.DANGEROUS, r.verdict());
        assertEquals(PickleScanner.MAX_EMBEDDING_DEPTH + 1, names(r).stream().filter("pickle.loads"::equals).count());
        assertFalse(names(r).contains("os.system"), names(r).toString());
        assertTrue(r.globals().get(PickleScanner.MAX_EMBEDDING_DEPTH).global().record()
                .matches("data\\.pkl( > bytes at \\d+){3}"), r.globals().toString());
    }

    @Test
    void bytesAfterTheStopThatAreNoPickleAreAWarningOnly() {
        byte[] clean = PickleBuilder.proto2().global("collections", "OrderedDict").stop();
        byte[] withTail = java.util.Arrays.copyOf(clean, clean.length + 3);
        ScanReport r = scan(withTail);
        assertEquals(GlobalClass.SAFE, r.verdict());
        assertTrue(r.isComplete());
        assertTrue(r.warnings().get(0).contains("the 3 bytes after the STOP at offset " + (clean.length - 1)),
                r.warnings().toString());
    }

    @Test
    void aMissingMemoEntryEndsTheScanAsItEndsUnpickling() {
        ScanReport r = scan(PickleBuilder.proto2().global("os", "system").op('h').op(9).stop());
        assertEquals(List.of("os.system"), names(r));
        assertTrue(r.errors().get(0).contains("memo entry 9, which was never set"), r.errors().toString());
    }

    @Test
    void listingStopsAtItsLimitButTheVerdictCountsEverything() {
        PickleBuilder b = PickleBuilder.proto2();
        for (int i = 0; i < ScanCollector.MAX_LISTED; i++) {
            b.global("collections", "OrderedDict").op('0');
        }
        ScanReport r = scan(b.global("os", "system").stop());
        assertEquals(ScanCollector.MAX_LISTED, r.globals().size());
        assertEquals(1, r.unlisted());
        assertEquals(GlobalClass.DANGEROUS, r.verdict());
        assertTrue(r.warnings().contains("1 more globals were found than the 10000 listed"), r.warnings().toString());
    }
}
