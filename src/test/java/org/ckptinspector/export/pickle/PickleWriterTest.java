package org.ckptinspector.export.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.pickle.Opcode;
import org.ckptinspector.pickle.PickleOp;
import org.ckptinspector.pickle.PickleReader;
import org.junit.jupiter.api.Test;

class PickleWriterTest {
    /** torch 1.13's weights_only unpickler (docs/checkpoint-formats.md §4.1) accepts these opcodes and no others. */
    private static final Set<Opcode> TORCH_113 = EnumSet.of(Opcode.PROTO, Opcode.STOP, Opcode.GLOBAL,
            Opcode.NEWOBJ, Opcode.REDUCE, Opcode.BUILD, Opcode.APPEND, Opcode.APPENDS, Opcode.SETITEM,
            Opcode.SETITEMS, Opcode.MARK, Opcode.TUPLE, Opcode.TUPLE1, Opcode.TUPLE2, Opcode.TUPLE3, Opcode.NONE,
            Opcode.NEWFALSE, Opcode.NEWTRUE, Opcode.EMPTY_TUPLE, Opcode.EMPTY_LIST, Opcode.EMPTY_DICT,
            Opcode.EMPTY_SET, Opcode.BININT, Opcode.BININT1, Opcode.BININT2, Opcode.BINUNICODE,
            Opcode.SHORT_BINSTRING, Opcode.BINPERSID, Opcode.BINGET, Opcode.LONG_BINGET, Opcode.BINPUT,
            Opcode.LONG_BINPUT, Opcode.LONG1);

    private static List<PickleOp> ops(Pickled value) throws Exception {
        PickleReader r = PickleReader.of(PickleWriter.pickle(value), "test");
        List<PickleOp> ops = new ArrayList<>();
        while (r.hasNext()) {
            ops.add(r.next());
        }
        return ops;
    }

    private static Map.Entry<Pickled, Pickled> e(Pickled k, Pickled v) {
        return new AbstractMap.SimpleImmutableEntry<>(k, v);
    }

    @Test
    void integersUseTheSmallestEncodingAndRoundTrip() throws Exception {
        long[] values = {0, 255, 256, 65535, 65536, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1L << 40,
            -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE, 4_294_967_396L};
        List<Pickled> items = new ArrayList<>();
        for (long v : values) {
            items.add(new Pickled.Int(v));
        }
        List<PickleOp> ops = ops(new Pickled.PyList(items));
        List<Long> read = ops.stream().filter(o -> o.opcode() == Opcode.BININT1 || o.opcode() == Opcode.BININT2
                || o.opcode() == Opcode.BININT || o.opcode() == Opcode.LONG1).map(o -> o.bigIntArg().longValueExact())
                .toList();
        assertEquals(java.util.Arrays.stream(values).boxed().toList(), read);
        assertEquals(Opcode.BININT1, ops.get(3).opcode(), ops.toString());
    }

    @Test
    void aStateDictUsesOnlyOpcodesTorch113Accepts() throws Exception {
        Pickled.Global od = new Pickled.Global("collections", "OrderedDict");
        List<Map.Entry<Pickled, Pickled>> entries = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            Pickled pid = new Pickled.PersistentId(Pickled.Tuple.of(new Pickled.Str("storage"),
                    new Pickled.Global("torch", "FloatStorage"), new Pickled.Str(String.valueOf(i)),
                    new Pickled.Str("cpu"), new Pickled.Int(6)));
            Pickled tensor = Pickled.Reduce.call(new Pickled.Global("torch._utils", "_rebuild_tensor_v2"), pid,
                    new Pickled.Int(0), Pickled.Tuple.of(new Pickled.Int(2), new Pickled.Int(3)),
                    Pickled.Tuple.of(new Pickled.Int(3), new Pickled.Int(1)), new Pickled.Bool(false),
                    new Pickled.Reduce(od, Pickled.Tuple.of(), List.of(), null));
            entries.add(e(new Pickled.Str("layer." + i + ".wéight"), tensor));
        }
        Pickled state = new Pickled.Dict(List.of(e(new Pickled.Str("_metadata"),
                new Pickled.Reduce(od, Pickled.Tuple.of(), List.of(e(new Pickled.Str(""),
                        new Pickled.Dict(List.of(e(new Pickled.Str("version"), new Pickled.Int(1)))))), null))));
        List<PickleOp> ops = ops(new Pickled.Reduce(od, Pickled.Tuple.of(), entries, state));
        for (PickleOp op : ops) {
            assertTrue(TORCH_113.contains(op.opcode()), op.toString());
        }
        assertEquals(5, ops.stream().filter(o -> o.opcode() == Opcode.SETITEMS).count(),
                "1200 items in two batches of at most 1000, then the state dict, _metadata and its module's dict");
        assertEquals(3, ops.stream().filter(o -> o.opcode() == Opcode.GLOBAL).count(), "globals are memoised");
        assertTrue(ops.stream().anyMatch(o -> o.opcode() == Opcode.LONG_BINGET || o.opcode() == Opcode.BINGET));
        assertEquals(Opcode.BUILD, ops.get(ops.size() - 2).opcode());
        assertEquals(Opcode.STOP, ops.get(ops.size() - 1).opcode());
    }
}
