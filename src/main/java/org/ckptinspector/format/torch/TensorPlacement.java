package org.ckptinspector.format.torch;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.pickle.PickleLimits;

/**
 * Gives every tensor reachable from a checkpoint's root its path and its state_dict-style key (CLI contract,
 * "Keys, paths and storages"): dict keys and list indices joined with '.', object attributes by name, and for a
 * pickled {@code nn.Module} the dotted module names {@code model.state_dict()} uses ({@code _parameters},
 * {@code _buffers} and {@code _modules} add nothing to the key). A tensor reached by several paths (tied weights)
 * is listed once per path. A bare tensor at the root has the path {@code []} and the key {@value #ROOT_KEY}.
 * A pickled numpy array is a tensor too, over its own bytes (storage {@code numpy/<n>}, one per array object).
 * The walk is iterative and does not follow a reference back into the path it is on.
 */
final class TensorPlacement {
    /** The key of a tensor that is the file's root object. */
    static final String ROOT_KEY = "tensor";

    private static final Set<String> MODULE_CONTAINERS = Set.of("_parameters", "_buffers", "_modules");

    private TensorPlacement() {}

    /** One step from a value to a child: the path element, the key segment (null adds none), the child. */
    private record Edge(Object element, String segment, PyValue child) {}

    private static final class Frame {
        final PyValue value;
        final List<Edge> edges;
        final int placedBefore;
        int next;

        Frame(PyValue value, List<Edge> edges, int placedBefore) {
            this.value = value;
            this.edges = edges;
            this.placedBefore = placedBefore;
        }
    }

    /** Every tensor under {@code root} with its key and path, in the order the walk meets them. */
    static List<TensorRef> place(Path file, PyValue root) throws CheckpointException {
        List<TensorRef> placed = new ArrayList<>();
        if (root instanceof PyValue.Tensor t) {
            placed.add(t.ref().withLocation(ROOT_KEY, List.of()));
            return placed;
        }
        Deque<Frame> stack = new ArrayDeque<>();
        Set<PyValue> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
        // Subgraphs already walked without finding a tensor are not walked again (shared metadata).
        Set<PyValue> tensorFree = Collections.newSetFromMap(new IdentityHashMap<>());
        Derived arrays = new Derived();
        List<Object> path = new ArrayList<>();
        List<String> segments = new ArrayList<>();
        stack.push(new Frame(root, edges(root, arrays), 0));
        onPath.add(root);
        long visited = 1;
        long pathElements = 0;
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.next == f.edges.size()) {
                stack.pop();
                onPath.remove(f.value);
                if (placed.size() == f.placedBefore) {
                    tensorFree.add(f.value);
                }
                if (!path.isEmpty()) {
                    path.remove(path.size() - 1);
                    segments.remove(segments.size() - 1);
                }
                continue;
            }
            Edge e = f.edges.get(f.next++);
            if (e.child() instanceof PyValue.Tensor t) {
                List<Object> p = new ArrayList<>(path);
                p.add(e.element());
                List<String> s = new ArrayList<>(segments);
                s.add(e.segment());
                pathElements += p.size();
                if (placed.size() == PickleLimits.MAX_TENSOR_PATHS
                        || pathElements > PickleLimits.MAX_TENSOR_PATH_ELEMENTS) {
                    throw CheckpointException.limit(file, "more tensor paths than the limit of "
                            + PickleLimits.MAX_TENSOR_PATHS + " paths or " + PickleLimits.MAX_TENSOR_PATH_ELEMENTS
                            + " path elements in total (a tensor reached by several paths counts once per path)");
                }
                placed.add(t.ref().withLocation(key(s), p));
                continue;
            }
            List<Edge> childEdges = edges(e.child(), arrays);
            if (childEdges.isEmpty() || onPath.contains(e.child()) || tensorFree.contains(e.child())) {
                continue;
            }
            countVisit(file, ++visited);
            path.add(e.element());
            segments.add(e.segment());
            stack.push(new Frame(e.child(), childEdges, placed.size()));
            onPath.add(e.child());
        }
        return placed;
    }

    private static void countVisit(Path file, long visited) throws CheckpointException {
        if (visited > PickleLimits.MAX_WALK) {
            throw CheckpointException.limit(file, "the object graph expands to more than " + PickleLimits.MAX_WALK
                    + " values when walked (shared subtrees count once per path)");
        }
    }

    private static String key(List<String> segments) {
        StringJoiner j = new StringJoiner(".");
        for (String s : segments) {
            if (s != null) {
                j.add(s);
            }
        }
        String k = j.toString();
        return k.isEmpty() ? ROOT_KEY : k;
    }

    /**
     * Tensors the walk makes from values, once per source object so that every path to one shows one tensor:
     * numpy arrays, and the scale and zero point of torch's quantized modules; and the packed-parameter states
     * of {@code torch.ScriptObject}s met so far.
     */
    private static final class Derived {
        final Map<PyValue, PyValue> tensors = new IdentityHashMap<>();
        final Set<PyValue> scriptStates = Collections.newSetFromMap(new IdentityHashMap<>());
        int values;
    }

    /** Quantized modules whose {@code scale} and {@code zero_point} attributes state_dict() saves as tensors. */
    private static final List<String> QUANTIZED_MODULES = List.of("torch.ao.nn.quantized.", "torch.nn.quantized.");

    /** The steps from a value to the values inside it that may hold tensors, with derived tensors in place. */
    private static List<Edge> edges(PyValue v, Derived derived) {
        List<Edge> raw = edges(v);
        boolean quantized = v instanceof PyValue.Obj q && q.cls() instanceof PyValue.Global g
                && QUANTIZED_MODULES.stream().anyMatch(g.module()::startsWith) && isModule(q);
        boolean scriptState = derived.scriptStates.contains(v);
        List<Edge> out = new ArrayList<>(raw.size());
        for (Edge e : raw) {
            PyValue child = e.child();
            if (child instanceof PyValue.Obj o && NumpyValues.isArray(o)) {
                child = derived.tensors.computeIfAbsent(o, a -> {
                    TensorRef t = NumpyValues.array(a, "numpy/" + derived.tensors.size());
                    return t == null ? a : new PyValue.Tensor(t);
                });
            } else if (quantized && (e.element().equals("scale") && child instanceof PyValue.Float
                    || e.element().equals("zero_point") && child instanceof PyValue.Int)) {
                child = new PyValue.Tensor(scalarTensor(child, "value/" + derived.values++));
            } else if (v instanceof PyValue.Obj o && isScriptObject(o) && e.element().equals("state")) {
                derived.scriptStates.add(child);
            }
            // A ScriptObject's state (packed params, class name) adds nothing to the key: state_dict() saves
            // its tensors under the attribute's name.
            String segment = isScriptObject(v) && e.element().equals("state")
                    || scriptState && e.element().equals(0) ? null : e.segment();
            out.add(child == e.child() && java.util.Objects.equals(segment, e.segment()) ? e
                    : new Edge(e.element(), segment, child));
        }
        return out;
    }

    private static boolean isScriptObject(PyValue v) {
        return v instanceof PyValue.Obj o && o.cls() instanceof PyValue.Global g
                && (g.qualifiedName().equals("torch.ScriptObject") || g.qualifiedName().equals("torch._C.ScriptObject"));
    }

    /** A 0-dim float32 (a Python float) or int64 (a Python int) tensor, as {@code torch.tensor(value)} makes. */
    private static TensorRef scalarTensor(PyValue value, String storageKey) {
        java.nio.ByteBuffer b;
        DType dtype;
        if (value instanceof PyValue.Float f) {
            dtype = DType.FLOAT32;
            b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat((float) f.value());
        } else {
            dtype = DType.INT64;
            b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putLong(((PyValue.Int) value).value().longValue());
        }
        Storage storage = new Storage(storageKey, dtype, b.capacity(), "cpu", ByteRegion.of(b.array()), false);
        return TensorRef.strided(dtype, new long[0], new long[0], 0, storage);
    }

    private static List<Edge> edges(PyValue v) {
        List<Edge> out = new ArrayList<>();
        if (v instanceof PyValue.Dict d) {
            if (!d.className().endsWith("set")) {
                for (Map.Entry<PyValue, PyValue> e : d.entries().entrySet()) {
                    addKeyed(out, e.getKey(), e.getValue());
                }
            }
        } else if (v instanceof PyValue.PyList l) {
            addIndexed(out, l.items());
        } else if (v instanceof PyValue.Tuple t) {
            addIndexed(out, t.items());
        } else if (v instanceof PyValue.Obj o) {
            boolean module = isModule(o);
            for (PyValue.Dict attrs : attributeDicts(o.state())) {
                for (Map.Entry<PyValue, PyValue> e : attrs.entries().entrySet()) {
                    String name = PyValue.keyText(e.getKey());
                    out.add(new Edge(name, module && MODULE_CONTAINERS.contains(name) ? null : name, e.getValue()));
                }
            }
            if (attributeDicts(o.state()).isEmpty() && !(o.state() instanceof PyValue.None)) {
                out.add(new Edge("state", "state", o.state()));
            }
            addIndexed(out, o.listItems());
            for (Map.Entry<PyValue, PyValue> e : o.dictItems().entrySet()) {
                addKeyed(out, e.getKey(), e.getValue());
            }
            if (o.args().size() > 0) {
                out.add(new Edge("args", "args", o.args()));
            }
        }
        return out;
    }

    /** The attribute dicts of a BUILD state: a dict, or the (dict, slots) pair Python uses for slots. */
    private static List<PyValue.Dict> attributeDicts(PyValue state) {
        List<PyValue.Dict> out = new ArrayList<>();
        if (state instanceof PyValue.Dict d) {
            out.add(d);
        } else if (state instanceof PyValue.Tuple t && t.size() == 2
                && (t.get(0) instanceof PyValue.Dict || t.get(0) instanceof PyValue.None)
                && (t.get(1) instanceof PyValue.Dict || t.get(1) instanceof PyValue.None)) {
            for (PyValue p : t.items()) {
                if (p instanceof PyValue.Dict d) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    /** An object with nn.Module's registries among its attributes. */
    static boolean isModule(PyValue.Obj o) {
        for (PyValue.Dict attrs : attributeDicts(o.state())) {
            for (PyValue k : attrs.entries().keySet()) {
                if (k instanceof PyValue.Str s && MODULE_CONTAINERS.contains(s.value())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void addIndexed(List<Edge> out, List<PyValue> items) {
        for (int i = 0; i < items.size(); i++) {
            out.add(new Edge(i, Integer.toString(i), items.get(i)));
        }
    }

    private static void addKeyed(List<Edge> out, PyValue key, PyValue value) {
        Object element = key instanceof PyValue.Int i && i.value().bitLength() < 32 ? (Object) i.value().intValue()
                : PyValue.keyText(key);
        out.add(new Edge(element, PyValue.keyText(key), value));
    }
}
