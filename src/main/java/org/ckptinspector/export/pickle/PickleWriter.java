package org.ckptinspector.export.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.pickle.Opcode;

/**
 * Writes a {@link Pickled} tree as a protocol-2 pickle using only opcodes both torch 1.13's and 2.x's
 * {@code weights_only} unpicklers accept (docs/checkpoint-formats.md §4.1): no FRAME, MEMOIZE, SHORT_BINUNICODE,
 * STACK_GLOBAL or BINBYTES. Globals are memoised with BINPUT and repeated with BINGET, as Python's pickler does.
 */
public final class PickleWriter {
    /** Python's pickler writes SETITEMS/APPENDS in batches of this many. */
    private static final int BATCH = 1000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<Pickled.Global, Integer> memo = new HashMap<>();

    private PickleWriter() {}

    /** The complete pickle of {@code value}: PROTO 2, the value, STOP. */
    public static byte[] pickle(Pickled value) {
        PickleWriter w = new PickleWriter();
        w.op(Opcode.PROTO);
        w.out.write(2);
        w.save(value);
        w.op(Opcode.STOP);
        return w.out.toByteArray();
    }

    private void save(Pickled v) {
        if (v instanceof Pickled.Str s) {
            byte[] b = s.value().getBytes(StandardCharsets.UTF_8);
            op(Opcode.BINUNICODE);
            int32(b.length);
            out.writeBytes(b);
        } else if (v instanceof Pickled.Int i) {
            integer(i.value());
        } else if (v instanceof Pickled.Bool b) {
            op(b.value() ? Opcode.NEWTRUE : Opcode.NEWFALSE);
        } else if (v == Pickled.None.NONE) {
            op(Opcode.NONE);
        } else if (v instanceof Pickled.Float f) {
            op(Opcode.BINFLOAT);
            long bits = Double.doubleToRawLongBits(f.value());
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (bits >>> shift));
            }
        } else if (v instanceof Pickled.Tuple t) {
            tuple(t.items());
        } else if (v instanceof Pickled.PyList l) {
            op(Opcode.EMPTY_LIST);
            for (int start = 0; start < l.items().size(); start += BATCH) {
                op(Opcode.MARK);
                l.items().subList(start, Math.min(start + BATCH, l.items().size())).forEach(this::save);
                op(Opcode.APPENDS);
            }
        } else if (v instanceof Pickled.Dict d) {
            op(Opcode.EMPTY_DICT);
            setItems(d.entries());
        } else if (v instanceof Pickled.Global g) {
            global(g);
        } else if (v instanceof Pickled.Reduce r) {
            save(r.callable());
            save(r.args());
            op(Opcode.REDUCE);
            setItems(r.dictItems());
            if (r.state() != null) {
                save(r.state());
                op(Opcode.BUILD);
            }
        } else if (v instanceof Pickled.PersistentId p) {
            save(p.id());
            op(Opcode.BINPERSID);
        } else {
            throw new IllegalArgumentException("cannot pickle " + v);
        }
    }

    private void tuple(List<Pickled> items) {
        switch (items.size()) {
            case 0 -> op(Opcode.EMPTY_TUPLE);
            case 1, 2, 3 -> {
                items.forEach(this::save);
                op(items.size() == 1 ? Opcode.TUPLE1 : items.size() == 2 ? Opcode.TUPLE2 : Opcode.TUPLE3);
            }
            default -> {
                op(Opcode.MARK);
                items.forEach(this::save);
                op(Opcode.TUPLE);
            }
        }
    }

    private void setItems(List<Map.Entry<Pickled, Pickled>> entries) {
        for (int start = 0; start < entries.size(); start += BATCH) {
            op(Opcode.MARK);
            for (Map.Entry<Pickled, Pickled> e : entries.subList(start, Math.min(start + BATCH, entries.size()))) {
                save(e.getKey());
                save(e.getValue());
            }
            op(Opcode.SETITEMS);
        }
    }

    private void global(Pickled.Global g) {
        Integer index = memo.get(g);
        if (index != null) {
            if (index < 256) {
                op(Opcode.BINGET);
                out.write(index);
            } else {
                op(Opcode.LONG_BINGET);
                int32(index);
            }
            return;
        }
        op(Opcode.GLOBAL);
        out.writeBytes((g.module() + "\n" + g.name() + "\n").getBytes(StandardCharsets.US_ASCII));
        int next = memo.size();
        memo.put(g, next);
        if (next < 256) {
            op(Opcode.BINPUT);
            out.write(next);
        } else {
            op(Opcode.LONG_BINPUT);
            int32(next);
        }
    }

    private void integer(long v) {
        if (v >= 0 && v < 0x100) {
            op(Opcode.BININT1);
            out.write((int) v);
        } else if (v >= 0 && v < 0x10000) {
            op(Opcode.BININT2);
            out.write((int) v);
            out.write((int) (v >>> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            op(Opcode.BININT);
            int32((int) v);
        } else {
            // LONG1: little-endian two's complement in the fewest bytes that keep the sign.
            byte[] b = new byte[8];
            int n = 0;
            long x = v;
            do {
                b[n++] = (byte) x;
                x >>= 8;
            } while (!((x == 0 && (b[n - 1] & 0x80) == 0) || (x == -1 && (b[n - 1] & 0x80) != 0)));
            op(Opcode.LONG1);
            out.write(n);
            out.write(b, 0, n);
        }
    }

    private void op(Opcode o) {
        out.write(o.code());
    }

    private void int32(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
