package org.ckptinspector.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.junit.jupiter.api.Test;

/** Unpickling semantics; hex pickles are CPython 3 {@code pickle.dumps} output unless built by hand. */
class RestrictedUnpicklerTest {

    @Test
    void protocol2ValuesOfEveryBasicKind() throws Exception {
        PyValue.Dict d = (PyValue.Dict) load(
                "80027d710058010000006171015d7102284b014afeffffff4d2c014a701101008a060000000000018a0900000000000000"
                + "00c0474004000000000000580300000078c3a971034e88894b018571044b014b028671054b014b024b038771062965732e");
        List<PyValue> a = ((PyValue.PyList) d.get("a")).items();
        assertEquals(List.of(integer(1), integer(-2), integer(300), integer(70000), integer(1L << 40),
                new PyValue.Int(BigInteger.TWO.pow(70).negate()), new PyValue.Float(2.5), new PyValue.Str("xé"),
                PyValue.None.NONE, new PyValue.Bool(true), new PyValue.Bool(false), PyValue.Tuple.of(integer(1)),
                PyValue.Tuple.of(integer(1), integer(2)), PyValue.Tuple.of(integer(1), integer(2), integer(3)),
                PyValue.Tuple.of()), a);
    }

    @Test
    void protocol0TextForms() throws Exception {
        PyValue.Dict d = (PyValue.Dict) load("286470300a56610a70310a286c70320a49310a614c3131383035393136323037313"
                + "73431313330333432344c0a6146322e350a615678e95c7530303563750a70330a614e614930310a612849310a49320a74"
                + "70340a617356620a70350a56710a70360a732e");
        assertEquals(List.of(integer(1), new PyValue.Int(BigInteger.TWO.pow(70)), new PyValue.Float(2.5),
                new PyValue.Str("xé\\u"), PyValue.None.NONE, new PyValue.Bool(true),
                PyValue.Tuple.of(integer(1), integer(2))), ((PyValue.PyList) d.get("a")).items());
        assertEquals(new PyValue.Str("q"), d.get("b"));
    }

    @Test
    void orderedDictKeepsOrderAndMetadataAttribute() throws Exception {
        PyValue.Dict od = (PyValue.Dict) load("800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710128"
                + "58010000007771024b0158010000006271034b02757d710458090000005f6d657461646174617105680029527106580000"
                + "000071077d7108580700000076657273696f6e71094b01737373622e");
        assertEquals("collections.OrderedDict", od.className());
        assertEquals(List.of(new PyValue.Str("w"), new PyValue.Str("b")), List.copyOf(od.entries().keySet()));
        PyValue.Dict meta = (PyValue.Dict) od.attributes().get("_metadata");
        assertEquals(integer(1), ((PyValue.Dict) meta.get("")).get("version"));
    }

    @Test
    void bytesSetsAndComplexThroughTheirGlobals() throws Exception {
        PyValue.Dict d = (PyValue.Dict) load("80027d7100285801000000627101635f636f646563730a656e636f64650a7102580"
                + "300000000c3bf710358060000006c6174696e3171048671055271065801000000637107635f5f6275696c74696e5f5f0a"
                + "636f6d706c65780a7108473ff000000000000047400000000000000086710952710a580100000073710b635f5f6275696"
                + "c74696e5f5f0a7365740a710c5d710d4b036185710e52710f752e");
        assertArrayEquals(new byte[] {0, (byte) 0xff}, ((PyValue.Bytes) d.get("b")).value());
        assertEquals(new PyValue.Complex(1, 2), d.get("c"));
        PyValue.Dict set = (PyValue.Dict) d.get("s");
        assertEquals("set", set.className());
        assertEquals(List.of(integer(3)), List.copyOf(set.entries().keySet()));
    }

    @Test
    void protocol4SetsFrozensetsBytesAndStackGlobal() throws Exception {
        RestrictedUnpickler.Result r = result("8004956f000000000000007d94288c0173948f94284b03908c016694284b0491948c016294430200ff948c0163948c08"
                + "6275696c74696e73948c07636f6d706c6578949394473ff0000000000000474000000000000000869452948c02626194"
                + "68088c0962797465617272617994939443017a9485945294752e");
        PyValue.Dict d = (PyValue.Dict) r.value();
        assertEquals("frozenset", ((PyValue.Dict) d.get("f")).className());
        assertEquals(new PyValue.Complex(1, 2), d.get("c"));
        assertArrayEquals("z".getBytes(), ((PyValue.Bytes) d.get("ba")).value());
        assertEquals(List.of("builtins.complex", "builtins.bytearray"),
                r.globals().stream().map(GlobalRef::qualifiedName).toList());
        assertEquals(List.of(67L, 110L), r.globals().stream().map(GlobalRef::offset).toList());
    }

    @Test
    void argparseNamespaceStaysAnInertObjectWithItsState() throws Exception {
        PyValue.Obj ns = (PyValue.Obj) load("80026361726770617273650a4e616d6573706163650a7100298171017d7102285802"
                + "0000006c727103473fb999999999999a58040000006e616d657104580100000078710575622e");
        assertEquals(new PyValue.Global("argparse", "Namespace"), ns.cls());
        assertEquals(new PyValue.Float(0.1), ns.attributes().get(new PyValue.Str("lr")));
    }

    @Test
    void sharingAndCyclesAreKept() throws Exception {
        PyValue.PyList cycle = (PyValue.PyList) load("80025d71006800612e");
        assertSame(cycle, cycle.items().get(0));
        PyValue.PyList shared = (PyValue.PyList) load("80025d7100285d71014b01616801652e");
        assertSame(shared.items().get(0), shared.items().get(1));
    }

    @Test
    void python2StringsAreLatin1AndOldStyleInstancesAreInert() throws Exception {
        assertEquals(new PyValue.Str("abé"), load(hex("\u0080\u0002U\u0003ab\u00e9.")));
        PyValue.Obj foo = (PyValue.Obj) load(hex("(i__main__\nFoo\n(dS'x'\nI1\nsb."));
        assertEquals(new PyValue.Global("__main__", "Foo"), foo.cls());
        assertEquals(integer(1), foo.attributes().get(new PyValue.Str("x")));
    }

    @Test
    void stackOpcodes() throws Exception {
        // MARK 1 2 POP_MARK ; 3 DUP TUPLE2 ; 9 POP -> (3, 3)
        assertEquals(PyValue.Tuple.of(integer(3), integer(3)),
                load(hex("\u0080\u0002(K\u0001K\u00021K\u00032\u0086K\u00090.")));
        // protocol 0 PUT/GET
        assertEquals(PyValue.Tuple.of(new PyValue.Str("a"), new PyValue.Str("a")), load(hex("(Va\np7\ng7\nt.")));
    }

    @Test
    void callsAreInterpretedOrInertButNeverRun() throws Exception {
        PyValue v = load(hex("\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000ls\u0085R."));
        PyValue.Obj call = (PyValue.Obj) v;
        assertEquals(new PyValue.Global("os", "system"), call.cls());
        assertEquals(PyValue.Tuple.of(new PyValue.Str("ls")), call.args());
    }

    @Test
    void corruptPicklesAreNamed() {
        assertCorrupt(hex("\u0080\u0002a."), "stack underflow");
        assertCorrupt(hex("\u0080\u0002t."), "needs a MARK");
        assertCorrupt(hex("\u0080\u0002]K\u0001K\u0002s."), "SETITEM on a list");
        assertCorrupt(hex("\u0080\u0002\u0093."), "stack underflow");
        assertCorrupt(hex("\u0080\u0002K\u0001K\u0002\u0093."), "STACK_GLOBAL needs two strings");
        assertCorrupt(hex("\u0080\u0002K\u0001R."), "stack underflow");
        CheckpointException ext = assertThrows(CheckpointException.class, () -> load(hex("\u0080\u0002\u0082\u0001.")));
        assertEquals(CheckpointException.Kind.UNSUPPORTED, ext.kind());
        CheckpointException proto = assertThrows(CheckpointException.class, () -> load(hex("\u0080\u0009N.")));
        assertTrue(proto.getMessage().contains("protocol 9"), proto.getMessage());
        CheckpointException pid = assertThrows(CheckpointException.class, () -> load(hex("\u0080\u0002NQ.")));
        assertTrue(pid.getMessage().contains("must not have any"), pid.getMessage());
    }

    @Test
    void heightCountsContainerLevelsWithoutFollowingCycles() throws Exception {
        assertEquals(0, ValueGraph.height(integer(1), 10));
        assertEquals(1, ValueGraph.height(load("80025d71006800612e"), 10));
        PyValue nested = load(hex("\u0080\u0002]]]aa."));
        assertEquals(3, ValueGraph.height(nested, 10));
        assertEquals(3, ValueGraph.height(nested, 2));
    }

    private static void assertCorrupt(String hex, String part) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> load(hex));
        assertEquals(CheckpointException.Kind.CORRUPT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith("t.pkl: ") && e.getMessage().contains(part), e.getMessage());
    }

    private static String hex(String latin1) {
        return HexFormat.of().formatHex(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static PyValue.Int integer(long v) {
        return PyValue.Int.of(v);
    }

    private static PyValue load(String hex) throws CheckpointException {
        return result(hex).value();
    }

    private static RestrictedUnpickler.Result result(String hex) throws CheckpointException {
        return new RestrictedUnpickler("t.pkl", "t.pkl", new PythonCalls(), null)
                .load(ByteRegion.of(HexFormat.of().parseHex(hex)));
    }
}
