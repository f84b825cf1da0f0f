package org.ckptinspector.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.junit.jupiter.api.Test;

/**
 * Opcode-level decoding. The pickles are CPython 3 {@code pickle.dumps} output and the expected listings are what
 * {@code pickletools.genops} prints for them (offset, opcode, argument).
 */
class PickleReaderTest {

    /** {@code pickle.dumps({'a': [1, -2, 300, 70000, 2**40, -2**70, 2.5, 'xé', None, True, False, (1,), (1,2),
     * (1,2,3), ()]}, protocol=2)}. */
    private static final String P2 = "80027d710058010000006171015d7102284b014afeffffff4d2c014a701101008a0600000000"
            + "00018a090000000000000000c0474004000000000000580300000078c3a971034e88894b018571044b014b028671054b014b0"
            + "24b038771062965732e";

    @Test
    void protocol2BinaryOpcodes() throws Exception {
        assertEquals(List.of(
                "0 PROTO 2", "2 EMPTY_DICT", "3 BINPUT 0", "5 BINUNICODE 'a'", "11 BINPUT 1", "13 EMPTY_LIST",
                "14 BINPUT 2", "16 MARK", "17 BININT1 1", "19 BININT -2", "24 BININT2 300", "27 BININT 70000",
                "32 LONG1 1099511627776", "40 LONG1 -1180591620717411303424", "51 BINFLOAT 2.5",
                "60 BINUNICODE 'xé'", "68 BINPUT 3", "70 NONE", "71 NEWTRUE", "72 NEWFALSE", "73 BININT1 1",
                "75 TUPLE1", "76 BINPUT 4", "78 BININT1 1", "80 BININT1 2", "82 TUPLE2", "83 BINPUT 5",
                "85 BININT1 1", "87 BININT1 2", "89 BININT1 3", "91 TUPLE3", "92 BINPUT 6", "94 EMPTY_TUPLE",
                "95 APPENDS", "96 SETITEM", "97 STOP"), listing(P2));
    }

    @Test
    void protocol0TextOpcodes() throws Exception {
        // pickle.dumps({'a': [1, 2**70, 2.5, 'xé\\u', None, True, (1, 2)], 'b': 'q'}, protocol=0)
        String p0 = "286470300a56610a70310a286c70320a49310a614c313138303539313632303731373431313330333432344c0a614"
                + "6322e350a615678e95c7530303563750a70330a614e614930310a612849310a49320a7470340a617356620a70350a567"
                + "10a70360a732e";
        assertEquals(List.of(
                "0 MARK", "1 DICT", "2 PUT 0", "5 UNICODE 'a'", "8 PUT 1", "11 MARK", "12 LIST", "13 PUT 2",
                "16 INT 1", "19 APPEND", "20 LONG 1180591620717411303424", "45 APPEND", "46 FLOAT 2.5",
                "51 APPEND", "52 UNICODE 'xé\\u'", "63 PUT 3", "66 APPEND", "67 NONE", "68 APPEND", "69 INT true",
                "73 APPEND", "74 MARK", "75 INT 1", "78 INT 2", "81 TUPLE", "82 PUT 4", "85 APPEND", "86 SETITEM",
                "87 UNICODE 'b'", "90 PUT 5", "93 UNICODE 'q'", "96 PUT 6", "99 SETITEM", "100 STOP"),
                listing(p0));
    }

    @Test
    void protocol4FramesSetsAndBytes() throws Exception {
        // pickle.dumps({'k': [b'\x00\x01', frozenset([1]), {2}]}, protocol=4)
        String p4 = "8004951c000000000000007d948c016b945d94284302000194284b0191948f94284b029065732e";
        assertEquals(List.of(
                "0 PROTO 4", "2 FRAME 28", "11 EMPTY_DICT", "12 MEMOIZE", "13 SHORT_BINUNICODE 'k'", "16 MEMOIZE",
                "17 EMPTY_LIST", "18 MEMOIZE", "19 MARK", "20 SHORT_BINBYTES b0001", "24 MEMOIZE", "25 MARK",
                "26 BININT1 1", "28 FROZENSET", "29 MEMOIZE", "30 EMPTY_SET", "31 MEMOIZE", "32 MARK",
                "33 BININT1 2", "35 ADDITEMS", "36 APPENDS", "37 SETITEM", "38 STOP"), listing(p4));
    }

    @Test
    void protocol5ByteArrayAndGlobals() throws Exception {
        // pickle.dumps([bytearray(b'ab')], protocol=5) and a protocol-0 GLOBAL / py2 STRING / SHORT_BINSTRING
        assertEquals(List.of("0 PROTO 5", "2 FRAME 16", "11 EMPTY_LIST", "12 MEMOIZE",
                "13 BYTEARRAY8 b6162", "24 MEMOIZE", "25 APPEND", "26 STOP"),
                listing("80059510000000000000005d94960200000000000000616294612e"));
        assertEquals(List.of("0 GLOBAL collections.OrderedDict", "25 STRING b61275c0a", "36 SHORT_BINSTRING b7a",
                "39 STOP"), listing(ascii("ccollections\nOrderedDict\nS'a\\'\\\\\\n'\nU\u0001z.")));
    }

    @Test
    void stopsAtStopAndReportsWhereTheNextPickleStarts() throws Exception {
        PickleReader r = PickleReader.of(HexFormat.of().parseHex("80024b012e80024b022e"), "two pickles");
        while (r.hasNext()) {
            r.next();
        }
        assertEquals(5, r.position());
        assertThrows(IllegalStateException.class, r::next);
    }

    @Test
    void bytesArgumentsAreViewsOfTheInput() throws Exception {
        PickleReader r = PickleReader.of(HexFormat.of().parseHex("800243030a0b0c2e"), "t");
        r.next();
        ByteRegion b = r.next().bytesArg();
        assertEquals(3, b.length());
        byte[] got = new byte[3];
        b.slice(0, 3).get(got);
        assertArrayEquals(new byte[] {10, 11, 12}, got);
    }

    @Test
    void hugeDeclaredLengthsFailBeforeAllocating() {
        // BINUNICODE, BINBYTES8, LONG4, FRAME and BINSTRING declaring far more than the 10-byte input holds.
        for (String hex : List.of("8002 58ffffffff 2e", "8004 8effffffffffffff7f 2e", "8002 8bffffff7f",
                "8004 95ffffffffffffff7f", "8002 54ffffff7f 2e", "8002 54ffffffff")) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> listing(hex.replace(" ", "")));
            assertEquals(CheckpointException.Kind.CORRUPT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("test pickle: "), e.getMessage());
        }
    }

    @Test
    void truncatedAndGarbagePicklesAreCorrupt() {
        assertMessage("8002 4a0102", "ends inside the argument of BININT");
        assertMessage("8002 4b01", "without a STOP opcode");
        assertMessage("8002 ff", "unknown pickle opcode 0xff at offset 2");
        assertMessage("63 6f73", "ends inside the text argument of GLOBAL");
        assertMessage("49 3132a", "ends inside the text argument");
        assertMessage("49 31320a 2e".replace(" ", "").replace("31320a", "31780a"), "malformed integer '1x'");
        assertMessage("46 31660a 2e", "malformed float '1f'");
        assertMessage("53 61620a 2e", "not a quoted string literal");
    }

    @Test
    void longTextLinesHitTheLineLimit() {
        byte[] p = new byte[PickleReader.MAX_LINE_BYTES + 10];
        java.util.Arrays.fill(p, (byte) 'a');
        p[0] = 'c';
        CheckpointException e = assertThrows(CheckpointException.class, () -> drain(PickleReader.of(p, "t")));
        assertEquals(CheckpointException.Kind.LIMIT_EXCEEDED, e.kind());
    }

    @Test
    void everyOpcodeHasAUniqueByte() {
        assertEquals(68, Opcode.values().length);
        for (Opcode op : Opcode.values()) {
            assertEquals(op, Opcode.of(op.code()));
        }
        assertFalse(Opcode.of(0xff) != null);
    }

    private static void assertMessage(String hex, String part) {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> listing(hex.replace(" ", "").length() % 2 == 1 ? hex.replace(" ", "") + "0" : hex.replace(" ", "")));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    private static String ascii(String s) {
        return HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private static List<String> listing(String hex) throws CheckpointException {
        return drain(PickleReader.of(HexFormat.of().parseHex(hex), "test pickle"));
    }

    private static List<String> drain(PickleReader r) throws CheckpointException {
        List<String> out = new ArrayList<>();
        while (r.hasNext()) {
            PickleOp op = r.next();
            out.add(op.offset() + " " + op.opcode() + render(op.argument()));
        }
        return out;
    }

    private static String render(Object arg) {
        if (arg == null) {
            return "";
        }
        if (arg instanceof String s) {
            return " '" + s + "'";
        }
        if (arg instanceof byte[] b) {
            return " b" + HexFormat.of().formatHex(b);
        }
        if (arg instanceof ByteRegion r) {
            try {
                ByteBuffer bb = r.slice(0, (int) r.length());
                byte[] b = new byte[bb.remaining()];
                bb.get(b);
                return " b" + HexFormat.of().formatHex(b);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        if (arg instanceof PickleOp.GlobalName g) {
            return " " + g.qualifiedName();
        }
        return " " + arg;
    }
}
