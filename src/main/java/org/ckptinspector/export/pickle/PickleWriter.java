package org.ckptinspector.export.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Pickled} tree as a protocol-2 pickle using only opcodes both torch 1.13's and 2.x's
 * {@code weights_only} unpicklers accept (§4.1): no FRAME, MEMOIZE, SHORT_BINUNICODE, STACK_GLOBAL or BINBYTES.
 * Globals are memoised with BINPUT and repeated with BINGET, as Python's pickler does.
 */
public final class PickleWriter {
    private static final int PROTO = 0x80;
    private static final int STOP = '.';
    private static final int MARK = '(';
    private static final int GLOBAL = 'c';
    private static final int BINPUT = 'q';
    private static final int LONG_BINPUT = 'r';
    private static final int BINGET = 'h';
    private static final int LONG_BINGET = 'j';
    private static final int BINUNICODE = 'X';
    private static final int BININT = 'J';
    private static final int BININT1 = 'K';
    private static final int BININT2 = 'M';
    private static final int LONG1 = 0x8a;
    private static final int BINFLOAT = 'G';
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int NONE = 'N';
    private static final int EMPTY_TUPLE = ')';
    private static final int TUPLE = 't';
    private static final int TUPLE1 = 0x85;
    private static final int TUPLE2 = 0x86;
    private static final int TUPLE3 = 0x87;
    private static final int EMPTY_LIST = ']';
    private static final int APPENDS = 'e';
    private static final int EMPTY_DICT = '}';
    private static final int SETITEMS = 'u';
    private static final int REDUCE = 'R';
    private static final int BUILD = 'b';
    private static final int BINPERSID = 'Q';
    /** Python's pickler writes SETITEMS/APPENDS in batches of this many. */
    private static final int BATCH = 1000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<Pickled.Global, Integer> memo = new HashMap<>();

    private PickleWriter() {}

    /** The complete pickle of {@code value}: PROTO 2, the value, STOP. */
    public static byte[] pickle(Pickled value) {
        PickleWriter w = new PickleWriter();
        w.out.write(PROTO);
        w.out.write(2);
        w.save(value);
        w.out.write(STOP);
        return w.out.toByteArray();
    }

    private void save(Pickled v) {
        if (v instanceof Pickled.Str s) {
            byte[] b = s.value().getBytes(StandardCharsets.UTF_8);
            out.write(BINUNICODE);
            int32(b.length);
            out.writeBytes(b);
        } else if (v instanceof Pickled.Int i) {
            integer(i.value());
        } else if (v instanceof Pickled.Bool b) {
            out.write(b.value() ? NEWTRUE : NEWFALSE);
        } else if (v == Pickled.None.NONE) {
            out.write(NONE);
        } else if (v instanceof Pickled.Float f) {
            out.write(BINFLOAT);
            long bits = Double.doubleToRawLongBits(f.value());
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (bits >>> shift));
            }
        } else if (v instanceof Pickled.Tuple t) {
            tuple(t.items());
        } else if (v instanceof Pickled.PyList l) {
            out.write(EMPTY_LIST);
            for (int start = 0; start < l.items().size(); start += BATCH) {
                out.write(MARK);
                l.items().subList(start, Math.min(start + BATCH, l.items().size())).forEach(this::save);
                out.write(APPENDS);
            }
        } else if (v instanceof Pickled.Dict d) {
            out.write(EMPTY_DICT);
            setItems(d.entries());
        } else if (v instanceof Pickled.Global g) {
            global(g);
        } else if (v instanceof Pickled.Reduce r) {
            save(r.callable());
            save(r.args());
            out.write(REDUCE);
            setItems(r.dictItems());
            if (r.state() != null) {
                save(r.state());
                out.write(BUILD);
            }
        } else if (v instanceof Pickled.PersistentId p) {
            save(p.id());
            out.write(BINPERSID);
        } else {
            throw new IllegalArgumentException("cannot pickle " + v);
        }
    }

    private void tuple(List<Pickled> items) {
        switch (items.size()) {
            case 0 -> out.write(EMPTY_TUPLE);
            case 1, 2, 3 -> {
                items.forEach(this::save);
                out.write(items.size() == 1 ? TUPLE1 : items.size() == 2 ? TUPLE2 : TUPLE3);
            }
            default -> {
                out.write(MARK);
                items.forEach(this::save);
                out.write(TUPLE);
            }
        }
    }

    private void setItems(List<Map.Entry<Pickled, Pickled>> entries) {
        for (int start = 0; start < entries.size(); start += BATCH) {
            out.write(MARK);
            for (Map.Entry<Pickled, Pickled> e : entries.subList(start, Math.min(start + BATCH, entries.size()))) {
                save(e.getKey());
                save(e.getValue());
            }
            out.write(SETITEMS);
        }
    }

    private void global(Pickled.Global g) {
        Integer index = memo.get(g);
        if (index != null) {
            if (index < 256) {
                out.write(BINGET);
                out.write(index);
            } else {
                out.write(LONG_BINGET);
                int32(index);
            }
            return;
        }
        out.write(GLOBAL);
        out.writeBytes((g.module() + "\n" + g.name() + "\n").getBytes(StandardCharsets.US_ASCII));
        int next = memo.size();
        memo.put(g, next);
        if (next < 256) {
            out.write(BINPUT);
            out.write(next);
        } else {
            out.write(LONG_BINPUT);
            int32(next);
        }
    }

    private void integer(long v) {
        if (v >= 0 && v < 0x100) {
            out.write(BININT1);
            out.write((int) v);
        } else if (v >= 0 && v < 0x10000) {
            out.write(BININT2);
            out.write((int) v);
            out.write((int) (v >>> 8));
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write(BININT);
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
            out.write(LONG1);
            out.write(n);
            out.write(b, 0, n);
        }
    }

    private void int32(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
