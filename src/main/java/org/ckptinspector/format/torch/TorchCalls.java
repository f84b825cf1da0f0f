package org.ckptinspector.format.torch;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.pickle.RestrictedUnpickler;

/**
 * Interprets torch's pickling helpers without running them: the tensor rebuild functions of
 * {@code torch._utils} (dense, v2/v3, parameters, quantized, sparse, meta, subclasses, device tensors),
 * {@code torch.Size}, {@code torch.device} and the layout helper. Calls with arguments that do not fit stay inert
 * objects, with a warning.
 */
final class TorchCalls implements RestrictedUnpickler.Calls {
    private final List<String> warnings;

    TorchCalls(List<String> warnings) {
        this.warnings = warnings;
    }

    /** Arguments that do not have the shape torch writes. */
    private static final class BadArguments extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadArguments(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public PyValue call(PyValue.Global fn, PyValue.Tuple args) {
        try {
            return dispatch(fn, args);
        } catch (BadArguments e) {
            warnings.add(fn.qualifiedName() + " has unexpected arguments (" + e.getMessage()
                    + "); kept as an uninterpreted object");
            return null;
        }
    }

    private PyValue dispatch(PyValue.Global fn, PyValue.Tuple a) {
        String module = PythonCalls.normalizeModule(fn.module());
        String name = fn.name();
        switch (module + "." + name) {
            case "torch.Size":
                return new PyValue.Tuple(items(arg(a, 0)));
            case "torch.device":
                return device(a);
            case "torch.serialization._get_layout": {
                String layout = str(arg(a, 0));
                return new PyValue.Global("torch", layout.startsWith("torch.") ? layout.substring(6) : layout);
            }
            case "torch.nn.parameter.Parameter": {
                TensorRef data = a.size() == 0 ? null : tensor(arg(a, 0));
                return data == null ? null : parameter(data, a.size() < 2 || bool(arg(a, 1)));
            }
            case "torch._tensor._rebuild_from_type_v2", "torch._tensor._rebuild_from_type":
                return fromType(a);
            default:
                break;
        }
        if (!module.equals("torch._utils")) {
            return null;
        }
        switch (name) {
            case "_rebuild_tensor":
                return dense(a, storage(arg(a, 0)).dtype(), false, null);
            case "_rebuild_tensor_v2":
                return dense(a, storage(arg(a, 0)).dtype(), a.size() > 4 && bool(arg(a, 4)),
                        a.size() > 6 ? arg(a, 6) : null);
            case "_rebuild_tensor_v3":
                return dense(a, dtype(arg(a, 6)), bool(arg(a, 4)), a.size() > 7 ? arg(a, 7) : null);
            case "_rebuild_parameter":
            case "_rebuild_parameter_with_state":
                return parameter(tensorArg(a, 0), bool(arg(a, 1)));
            case "_rebuild_qtensor":
                return quantized(a);
            case "_rebuild_sparse_tensor":
            case "_rebuild_sparse_csr_tensor":
                return sparse(arg(a, 0), arg(a, 1));
            case "_rebuild_meta_tensor_no_storage":
                return storageless(dtype(arg(a, 0)), longs(arg(a, 1)), longs(arg(a, 2)), bool(arg(a, 3)), null);
            case "_rebuild_wrapper_subclass":
                return storageless(dtype(arg(a, 1)), longs(arg(a, 2)), longs(arg(a, 3)), bool(arg(a, 7)),
                        arg(a, 0) instanceof PyValue.Global g ? g.qualifiedName() : null);
            case "_rebuild_device_tensor_from_cpu_tensor":
                return withGrad(tensorArg(a, 0), bool(arg(a, 3)));
            case "_rebuild_device_tensor_from_numpy":
            case "_rebuild_xla_tensor": {
                TensorRef t = NumpyValues.array(arg(a, 0));
                return t == null ? null : withGrad(t, bool(arg(a, 3)));
            }
            case "_rebuild_nested_tensor": {
                TensorRef buffer = tensorArg(a, 0);
                return new PyValue.Tensor(buffer.withPythonType("torch.nested (buffer of a nested tensor)"));
            }
            default:
                return null;
        }
    }

    /** {@code _rebuild_tensor[_v2|_v3](storage, storage_offset, size, stride, ...)}. */
    private PyValue dense(PyValue.Tuple a, DType dtype, boolean requiresGrad, PyValue metadata) {
        Storage storage = storage(arg(a, 0));
        TensorRef t = TensorRef.strided(dtype, longs(arg(a, 2)), longs(arg(a, 3)), integer(arg(a, 1)), storage);
        Set<TensorRef.Flag> flags = EnumSet.noneOf(TensorRef.Flag.class);
        if (requiresGrad) {
            flags.add(TensorRef.Flag.REQUIRES_GRAD);
        }
        if (metadata instanceof PyValue.Dict m) {
            if (isTrue(m.get("conj"))) {
                flags.add(TensorRef.Flag.CONJ);
            }
            if (isTrue(m.get("neg"))) {
                flags.add(TensorRef.Flag.NEG);
            }
        }
        return new PyValue.Tensor(t.withFlags(flags).checked());
    }

    private PyValue quantized(PyValue.Tuple a) {
        Storage storage = storage(arg(a, 0));
        PyValue.Tuple params = tuple(arg(a, 4));
        String scheme = global(arg(params, 0)).name();
        Quantization q;
        if (scheme.startsWith("per_tensor")) {
            q = new Quantization.PerTensor(scheme, number(arg(params, 1)), integer(arg(params, 2)));
        } else if (scheme.startsWith("per_channel")) {
            q = new Quantization.PerChannel(scheme, tensorArg(params, 1), tensorArg(params, 2),
                    (int) integer(arg(params, 3)));
        } else {
            throw new BadArguments("unknown qscheme " + scheme);
        }
        TensorRef t = TensorRef.strided(storage.dtype(), longs(arg(a, 2)), longs(arg(a, 3)), integer(arg(a, 1)),
                storage);
        if (bool(arg(a, 5))) {
            t = t.withFlags(Set.of(TensorRef.Flag.REQUIRES_GRAD));
        }
        return new PyValue.Tensor(t.withQuantization(q).checked());
    }

    /** {@code _rebuild_sparse_tensor(layout, data)}: COO (indices, values, size[, coalesced]) or compressed. */
    private PyValue sparse(PyValue layoutArg, PyValue dataArg) {
        String layoutName = global(layoutArg).name();
        PyValue.Tuple data = tuple(dataArg);
        Map<String, TensorRef> parts = new LinkedHashMap<>();
        Layout layout;
        int valuesAt;
        if (layoutName.equals("sparse_coo")) {
            layout = Layout.SPARSE_COO;
            parts.put("indices", tensorArg(data, 0));
            valuesAt = 1;
        } else {
            CompressedLayout c = COMPRESSED.get(layoutName);
            if (c == null) {
                throw new BadArguments("unknown sparse layout " + layoutName);
            }
            layout = c.layout();
            parts.put(c.compressedIndices(), tensorArg(data, 0));
            parts.put(c.plainIndices(), tensorArg(data, 1));
            valuesAt = 2;
        }
        TensorRef values = tensorArg(data, valuesAt);
        long[] size = longs(arg(data, valuesAt + 1));
        parts.put("values", values);
        List<String> problems = new ArrayList<>();
        parts.forEach((part, t) -> t.problems().forEach(p -> problems.add(part + ": " + p)));
        return new PyValue.Tensor(new TensorRef("", List.of(), values.dtype(), size, new long[0], 0, null, layout,
                parts, null, Set.of(), null, problems));
    }

    /** A compressed sparse layout and the names torch gives its index tensors. */
    private record CompressedLayout(Layout layout, String compressedIndices, String plainIndices) {}

    private static final Map<String, CompressedLayout> COMPRESSED = Map.of(
            "sparse_csr", new CompressedLayout(Layout.SPARSE_CSR, "crow_indices", "col_indices"),
            "sparse_bsr", new CompressedLayout(Layout.SPARSE_BSR, "crow_indices", "col_indices"),
            "sparse_csc", new CompressedLayout(Layout.SPARSE_CSC, "ccol_indices", "row_indices"),
            "sparse_bsc", new CompressedLayout(Layout.SPARSE_BSC, "ccol_indices", "row_indices"));

    private static PyValue storageless(DType dtype, long[] size, long[] stride, boolean requiresGrad,
            String pythonType) {
        Set<TensorRef.Flag> flags = requiresGrad ? Set.of(TensorRef.Flag.REQUIRES_GRAD) : Set.of();
        return new PyValue.Tensor(new TensorRef("", List.of(), dtype, size, stride, 0, null, Layout.META, null, null,
                flags, pythonType, List.of()));
    }

    private PyValue fromType(PyValue.Tuple a) {
        PyValue.Global func = global(arg(a, 0));
        if (func.name().startsWith("_rebuild_from_type")) {
            throw new BadArguments("a nested " + func.name());
        }
        PyValue inner = dispatch(func, tuple(arg(a, 2)));
        if (!(inner instanceof PyValue.Tensor t)) {
            return null;
        }
        String type = arg(a, 1) instanceof PyValue.Global g ? g.qualifiedName() : null;
        if ("torch.nn.parameter.Parameter".equals(type)) {
            return parameter(t.ref(), t.ref().has(TensorRef.Flag.REQUIRES_GRAD));
        }
        return type == null || type.equals("torch.Tensor") ? t : new PyValue.Tensor(t.ref().withPythonType(type));
    }

    private static PyValue parameter(TensorRef data, boolean requiresGrad) {
        Set<TensorRef.Flag> flags = EnumSet.of(TensorRef.Flag.PARAMETER);
        flags.addAll(data.flags());
        flags.remove(TensorRef.Flag.REQUIRES_GRAD);
        if (requiresGrad) {
            flags.add(TensorRef.Flag.REQUIRES_GRAD);
        }
        return new PyValue.Tensor(data.withFlags(flags));
    }

    private static PyValue withGrad(TensorRef t, boolean requiresGrad) {
        if (!requiresGrad) {
            return new PyValue.Tensor(t);
        }
        Set<TensorRef.Flag> flags = EnumSet.of(TensorRef.Flag.REQUIRES_GRAD);
        flags.addAll(t.flags());
        return new PyValue.Tensor(t.withFlags(flags));
    }

    private static PyValue device(PyValue.Tuple a) {
        String type = str(arg(a, 0));
        if (a.size() > 1 && a.get(1) instanceof PyValue.Int i) {
            return new PyValue.Str(type + ":" + i.value());
        }
        return new PyValue.Str(type);
    }

    private static PyValue arg(PyValue.Tuple a, int i) {
        if (i >= a.size()) {
            throw new BadArguments("expected at least " + (i + 1) + " arguments, got " + a.size());
        }
        return a.get(i);
    }

    private static Storage storage(PyValue v) {
        if (v instanceof PyValue.StorageValue s) {
            return s.storage();
        }
        throw new BadArguments("expected a storage, got " + v.typeName());
    }

    private static TensorRef tensorArg(PyValue.Tuple a, int i) {
        TensorRef t = tensor(arg(a, i));
        if (t == null) {
            throw new BadArguments("argument " + i + " is a " + a.get(i).typeName() + ", not a tensor");
        }
        return t;
    }

    private static TensorRef tensor(PyValue v) {
        return v instanceof PyValue.Tensor t ? t.ref() : null;
    }

    private static DType dtype(PyValue v) {
        PyValue.Global g = global(v);
        return DType.fromTorchName(g.name())
                .orElseThrow(() -> new BadArguments("unknown dtype " + g.qualifiedName()));
    }

    private static PyValue.Global global(PyValue v) {
        if (v instanceof PyValue.Global g) {
            return g;
        }
        throw new BadArguments("expected a global, got " + v.typeName());
    }

    private static PyValue.Tuple tuple(PyValue v) {
        if (v instanceof PyValue.Tuple t) {
            return t;
        }
        if (v instanceof PyValue.PyList l) {
            return new PyValue.Tuple(l.items());
        }
        throw new BadArguments("expected a tuple, got " + v.typeName());
    }

    private static List<PyValue> items(PyValue v) {
        return tuple(v).items();
    }

    private static long[] longs(PyValue v) {
        List<PyValue> items = items(v);
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = integer(items.get(i));
        }
        return out;
    }

    private static long integer(PyValue v) {
        if (v instanceof PyValue.Int i && i.value().bitLength() < 64) {
            return i.value().longValue();
        }
        if (v instanceof PyValue.Bool b) {
            return b.value() ? 1 : 0;
        }
        throw new BadArguments("expected an integer, got " + (v instanceof PyValue.Int ? "a huge int" : v.typeName()));
    }

    private static double number(PyValue v) {
        if (v instanceof PyValue.Float f) {
            return f.value();
        }
        return integer(v);
    }

    private static boolean bool(PyValue v) {
        if (v instanceof PyValue.Bool b) {
            return b.value();
        }
        if (v instanceof PyValue.Int i) {
            return i.value().signum() != 0;
        }
        if (v instanceof PyValue.None) {
            return false;
        }
        throw new BadArguments("expected a bool, got " + v.typeName());
    }

    private static boolean isTrue(PyValue v) {
        return v instanceof PyValue.Bool b && b.value();
    }

    private static String str(PyValue v) {
        if (v instanceof PyValue.Str s) {
            return s.value();
        }
        throw new BadArguments("expected a str, got " + v.typeName());
    }
}
