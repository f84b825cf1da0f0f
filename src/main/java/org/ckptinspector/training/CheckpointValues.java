package org.ckptinspector.training;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.PyValue;

/**
 * The non-tensor values of a checkpoint (its metadata tree) as leaves with dotted paths: {@code epoch},
 * {@code args.lr}, {@code optimizer_state_dict.param_groups.0.betas}. A list or tuple of more than
 * {@value #SEQUENCE_LEAF} plain values (an RNG state) is one leaf; so is an empty container. Objects contribute
 * their attributes by name.
 */
public final class CheckpointValues {
    /** Longest list of plain values still shown item by item. */
    static final int SEQUENCE_LEAF = 8;
    /** Deepest nesting followed; deeper values are one leaf. */
    private static final int MAX_DEPTH = 64;

    private CheckpointValues() {}

    /** One value and where it is. */
    public record Leaf(String path, PyValue value) {}

    /** The leaves of {@code metadata} in tree order; none for an empty root. */
    public static List<Leaf> leaves(PyValue metadata) {
        List<Leaf> out = new ArrayList<>();
        if (metadata instanceof PyValue.Dict d && d.size() == 0) {
            return out;
        }
        Deque<Leaf> todo = new ArrayDeque<>();
        todo.push(new Leaf("", metadata));
        while (!todo.isEmpty()) {
            Leaf l = todo.pop();
            List<Leaf> children = children(l);
            if (children == null) {
                out.add(l);
                continue;
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                todo.push(children.get(i));
            }
        }
        return out;
    }

    /** The children of a container worth opening (as {@link #leaves} opens it), or null for a leaf. */
    public static List<Leaf> children(Leaf l) {
        if (l.path().chars().filter(c -> c == '.').count() >= MAX_DEPTH) {
            return null;
        }
        List<Leaf> out = new ArrayList<>();
        PyValue v = l.value();
        if (v instanceof PyValue.Dict d) {
            entries(l.path(), d.entries(), out);
        } else if (v instanceof PyValue.PyList || v instanceof PyValue.Tuple) {
            List<PyValue> items = v instanceof PyValue.PyList list ? list.items() : ((PyValue.Tuple) v).items();
            if (items.size() > SEQUENCE_LEAF && items.stream().allMatch(CheckpointValues::isPlain)) {
                return null;
            }
            for (int i = 0; i < items.size(); i++) {
                out.add(new Leaf(join(l.path(), Integer.toString(i)), items.get(i)));
            }
        } else if (v instanceof PyValue.Obj o) {
            if (!o.attributes().isEmpty()) {
                entries(l.path(), o.attributes(), out);
            } else if (!(o.state() instanceof PyValue.None)) {
                out.add(new Leaf(join(l.path(), "state"), o.state()));
            }
            for (int i = 0; i < o.args().size(); i++) {
                out.add(new Leaf(join(l.path(), "args." + i), o.args().get(i)));
            }
            entries(l.path(), o.dictItems(), out);
        } else {
            return null;
        }
        return out.isEmpty() ? null : out;
    }

    private static void entries(String path, Map<PyValue, PyValue> entries, List<Leaf> out) {
        entries.forEach((k, x) -> out.add(new Leaf(join(path, PyValue.keyText(k)), x)));
    }

    private static String join(String path, String segment) {
        return path.isEmpty() ? segment : path + "." + segment;
    }

    private static boolean isPlain(PyValue v) {
        return v instanceof PyValue.Int || v instanceof PyValue.Float || v instanceof PyValue.Bool
                || v instanceof PyValue.Str || v instanceof PyValue.None;
    }

    /** A value as Python would print it, long sequences cut to their first items. */
    public static String text(PyValue v) {
        if (v instanceof PyValue.Float f) {
            return floatText(f.value());
        } else if (v instanceof PyValue.Bool b) {
            return b.value() ? "True" : "False";
        } else if (v instanceof PyValue.None) {
            return "None";
        } else if (v instanceof PyValue.Int i) {
            return i.value().toString();
        } else if (v instanceof PyValue.Str s) {
            String t = s.value().length() > 80 ? s.value().substring(0, 80) + "…" : s.value();
            return "'" + t.replace("\n", "\\n") + "'";
        } else if (v instanceof PyValue.Global g) {
            return g.qualifiedName();
        } else if (v instanceof PyValue.Complex c) {
            return "(" + floatText(c.real()) + (c.imag() < 0 ? "" : "+") + floatText(c.imag()) + "j)";
        } else if (v instanceof PyValue.Bytes b) {
            return "<" + b.length() + " bytes>";
        } else if (v instanceof PyValue.PyList || v instanceof PyValue.Tuple) {
            boolean list = v instanceof PyValue.PyList;
            List<PyValue> items = list ? ((PyValue.PyList) v).items() : ((PyValue.Tuple) v).items();
            StringBuilder sb = new StringBuilder(list ? "[" : "(");
            for (int i = 0; i < Math.min(items.size(), SEQUENCE_LEAF); i++) {
                sb.append(i == 0 ? "" : ", ").append(isPlain(items.get(i)) ? text(items.get(i)) : "…");
            }
            if (items.size() > SEQUENCE_LEAF) {
                sb.append(", … ").append(items.size()).append(" items");
            }
            return sb.append(list ? "]" : ")").toString();
        } else if (v instanceof PyValue.Dict d) {
            return d.size() == 0 ? "{}" : "{" + d.size() + " entries}";
        } else if (v instanceof PyValue.Obj o) {
            return "<" + o.typeName() + ">";
        }
        return v.typeName();
    }

    private static String floatText(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d > 0 ? "0.0" : "-0.0";
        }
        // Python's repr: the shortest digits, positional for exponents -4..15, else d.ddde±XX
        java.math.BigDecimal b = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = b.precision() - b.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = b.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = b.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format(java.util.Locale.ROOT, "%02d", Math.abs(exponent));
    }
}
