package org.ckptinspector.app;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.ckptinspector.model.PyValue;

/** Short, readable text for a Python value in a table cell: numbers as Python prints them, long text cut. */
public final class ValueText {
    private static final int MAX_CHARS = 120;
    private static final int MAX_ITEMS = 8;

    private ValueText() {}

    public static String shortText(PyValue v) {
        String s = text(v, 0);
        return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS - 1) + "…" : s;
    }

    private static String text(PyValue v, int depth) {
        if (depth > 3) {
            return "…";
        }
        if (v instanceof PyValue.None) {
            return "None";
        } else if (v instanceof PyValue.Bool b) {
            return b.value() ? "True" : "False";
        } else if (v instanceof PyValue.Int i) {
            return i.value().toString();
        } else if (v instanceof PyValue.Float f) {
            return pythonFloat(f.value());
        } else if (v instanceof PyValue.Complex c) {
            return "(" + pythonFloat(c.real()) + (c.imag() < 0 ? "" : "+") + pythonFloat(c.imag()) + "j)";
        } else if (v instanceof PyValue.Str s) {
            return "'" + s.value().replace("\n", "\\n") + "'";
        } else if (v instanceof PyValue.Bytes b) {
            return "bytes[" + b.length() + "]";
        } else if (v instanceof PyValue.Global g) {
            return g.qualifiedName();
        } else if (v instanceof PyValue.Tensor t) {
            return "tensor " + t.ref().key();
        } else if (v instanceof PyValue.StorageValue s) {
            return "storage " + s.storage().key();
        } else if (v instanceof PyValue.Tuple t) {
            return seq("(", t.items(), t.size() == 1 ? ",)" : ")", depth);
        } else if (v instanceof PyValue.PyList l) {
            return seq("[", l.items(), "]", depth);
        } else if (v instanceof PyValue.Dict d) {
            return d.typeName() + "(" + d.size() + " items)";
        } else if (v instanceof PyValue.Obj o) {
            return numpyScalar(o).orElseGet(() -> call(o, depth));
        }
        return v.typeName();
    }

    /**
     * An inert object as the call its pickle describes ({@code posix.system('echo hi')}), so that what a file
     * would run on torch.load is visible; objects built without arguments show as {@code <class>}.
     */
    private static String call(PyValue.Obj o, int depth) {
        String type = typeName(o);
        if (o.args().size() == 0 || type.equals("numpy.ndarray")) {
            return "<" + type + ">";
        }
        String args = seq("(", o.args().items(), ")", depth);
        return type + args;
    }

    private static String seq(String open, List<PyValue> items, String close, int depth) {
        StringBuilder b = new StringBuilder(open);
        for (int i = 0; i < Math.min(items.size(), MAX_ITEMS); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(text(items.get(i), depth + 1));
        }
        if (items.size() > MAX_ITEMS) {
            b.append(", … ").append(items.size()).append(" items");
        }
        return b.append(close).toString();
    }

    /** Python's repr of a float: integers keep a ".0", others use the shortest round-trip form. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return Long.toString((long) d) + ".0";
        }
        return Double.toString(d).replace("E", "e");
    }

    /** The type to show for a value: numpy scalars and arrays by their numpy names, else Python's. */
    public static String typeName(PyValue v) {
        if (v instanceof PyValue.Obj o && o.cls() instanceof PyValue.Global g && g.module().startsWith("numpy")) {
            if (g.name().equals("scalar") && numpyScalar(o).isPresent()
                    && o.args().get(0) instanceof PyValue.Obj dt && dt.args().get(0) instanceof PyValue.Str code) {
                return "numpy." + numpyTypeName(code.value());
            }
            if (g.name().equals("_reconstruct")) {
                return "numpy.ndarray";
            }
        }
        return v.typeName();
    }

    private static String numpyTypeName(String code) {
        String kind = switch (code.charAt(0)) {
            case 'f' -> "float";
            case 'i' -> "int";
            case 'u' -> "uint";
            default -> "bool";
        };
        return kind.equals("bool") ? "bool_" : kind + (Integer.parseInt(code.substring(1)) * 8);
    }

    /**
     * A numpy scalar ({@code numpy.float64(0.75)}) is pickled as {@code scalar(dtype('f8'), raw bytes)}; its value
     * can be read without running numpy. Anything unexpected falls back to the class name.
     */
    static Optional<String> numpyScalar(PyValue.Obj o) {
        if (!(o.cls() instanceof PyValue.Global g) || !g.module().startsWith("numpy")
                || !g.name().equals("scalar") || o.args().size() != 2
                || !(o.args().get(0) instanceof PyValue.Obj dt) || dt.args().size() < 1
                || !(dt.args().get(0) instanceof PyValue.Str code)
                || !(o.args().get(1) instanceof PyValue.Bytes raw)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(raw.value()).order(ByteOrder.LITTLE_ENDIAN);
        String c = code.value();
        int n = raw.length();
        if (c.startsWith("f") && n == 8) {
            return Optional.of(pythonFloat(b.getDouble()));
        } else if (c.startsWith("f") && n == 4) {
            return Optional.of(pythonFloat(b.getFloat()));
        } else if (c.startsWith("i") && n == 8) {
            return Optional.of(Long.toString(b.getLong()));
        } else if (c.startsWith("i") && n == 4) {
            return Optional.of(Integer.toString(b.getInt()));
        } else if (c.equals("b1") && n == 1) {
            return Optional.of(b.get() != 0 ? "True" : "False");
        }
        return Optional.empty();
    }
}
