package org.ckptinspector.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.ckptinspector.model.PyValue;

/**
 * Interprets the standard-library callables checkpoints use to pickle plain data: OrderedDict, Counter,
 * defaultdict, set, frozenset, bytes/bytearray ({@code _codecs.encode}), complex, and copyreg's reconstructors.
 * Each yields a plain value or an inert object; nothing is imported or run.
 */
public final class PythonCalls implements RestrictedUnpickler.Calls {

    @Override
    public PyValue call(PyValue.Global callable, PyValue.Tuple args) {
        String q = normalizeModule(callable.module()) + "." + callable.name();
        switch (q) {
            case "collections.OrderedDict", "collections.Counter", "builtins.dict" -> {
                PyValue.Dict d = new PyValue.Dict(q.equals("builtins.dict") ? "dict" : q);
                return args.size() == 0 || fill(d, args.get(0)) ? d : null;
            }
            case "collections.defaultdict" -> {
                PyValue.Dict d = new PyValue.Dict(q);
                d.setAttribute("default_factory", args.size() > 0 ? args.get(0) : PyValue.None.NONE);
                return d;
            }
            case "builtins.set", "builtins.frozenset" -> {
                PyValue.Dict s = new PyValue.Dict(callable.name());
                List<PyValue> members = args.size() > 0 ? items(args.get(0)) : List.of();
                if (!members.stream().allMatch(ValueGraph::isSafeKey)) {
                    return null;
                }
                members.forEach(v -> s.put(v, PyValue.None.NONE));
                return s;
            }
            case "builtins.list" -> {
                return new PyValue.PyList(args.size() > 0 ? items(args.get(0)) : List.of());
            }
            case "builtins.tuple" -> {
                return new PyValue.Tuple(args.size() > 0 ? items(args.get(0)) : List.of());
            }
            case "builtins.bytearray", "builtins.bytes", "_codecs.encode" -> {
                return bytes(args);
            }
            case "builtins.complex" -> {
                return complex(args);
            }
            case "copyreg._reconstructor" -> {
                return args.size() >= 1 ? new PyValue.Obj(args.get(0), PyValue.Tuple.of()) : null;
            }
            case "copyreg.__newobj__" -> {
                return args.size() >= 1
                        ? new PyValue.Obj(args.get(0), new PyValue.Tuple(args.items().subList(1, args.size())))
                        : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Copies a dict or a list of pairs into {@code d}; false when a key is unsafe to hash. */
    private static boolean fill(PyValue.Dict d, PyValue source) {
        if (source instanceof PyValue.Dict other) {
            other.entries().forEach(d::put);
            return true;
        }
        for (PyValue pair : items(source)) {
            List<PyValue> kv = pair instanceof PyValue.Tuple t ? t.items()
                    : pair instanceof PyValue.PyList l ? l.items() : List.of();
            if (kv.size() == 2) {
                if (!ValueGraph.isSafeKey(kv.get(0))) {
                    return false;
                }
                d.put(kv.get(0), kv.get(1));
            }
        }
        return true;
    }

    private static List<PyValue> items(PyValue v) {
        if (v instanceof PyValue.PyList l) {
            return l.items();
        }
        if (v instanceof PyValue.Tuple t) {
            return t.items();
        }
        if (v instanceof PyValue.Dict d) {
            return List.copyOf(d.entries().keySet());
        }
        return List.of();
    }

    /** bytes()/bytearray() of nothing, bytes, a list of ints, or (str, encoding); _codecs.encode(str, encoding). */
    private static PyValue bytes(PyValue.Tuple args) {
        if (args.size() == 0) {
            return new PyValue.Bytes(new byte[0]);
        }
        PyValue first = args.get(0);
        if (first instanceof PyValue.Bytes b) {
            return b;
        }
        if (first instanceof PyValue.Str s) {
            String encoding = args.size() > 1 && args.get(1) instanceof PyValue.Str e ? e.value() : "utf-8";
            Charset cs = charset(encoding);
            return cs == null ? null : new PyValue.Bytes(s.value().getBytes(cs));
        }
        if (first instanceof PyValue.PyList || first instanceof PyValue.Tuple) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (PyValue v : items(first)) {
                if (!(v instanceof PyValue.Int i) || i.value().signum() < 0 || i.value().bitLength() > 8) {
                    return null;
                }
                out.write(i.value().intValue());
            }
            return new PyValue.Bytes(out.toByteArray());
        }
        return null;
    }

    private static Charset charset(String encoding) {
        switch (encoding.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1":
                return StandardCharsets.ISO_8859_1;
            case "utf-8", "utf8":
                return StandardCharsets.UTF_8;
            case "ascii", "us-ascii":
                return StandardCharsets.US_ASCII;
            default:
                return null;
        }
    }

    private static PyValue complex(PyValue.Tuple args) {
        Double re = args.size() > 0 ? number(args.get(0)) : Double.valueOf(0);
        Double im = args.size() > 1 ? number(args.get(1)) : Double.valueOf(0);
        return re == null || im == null ? null : new PyValue.Complex(re, im);
    }

    private static Double number(PyValue v) {
        if (v instanceof PyValue.Float f) {
            return f.value();
        }
        if (v instanceof PyValue.Int i) {
            return i.value().doubleValue();
        }
        if (v instanceof PyValue.Bool b) {
            return b.value() ? 1.0 : 0.0;
        }
        return null;
    }

    /** Maps Python 2 spellings of builtins and copyreg to Python 3's, as torch's unpickler does first. */
    public static String normalizeModule(String module) {
        return switch (module) {
            case "__builtin__" -> "builtins";
            case "copy_reg" -> "copyreg";
            default -> module;
        };
    }
}
