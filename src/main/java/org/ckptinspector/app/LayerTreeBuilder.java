package org.ckptinspector.app;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.training.TrainingState;

/**
 * Turns a checkpoint into the layer tree: dotted tensor keys become modules, the containers of the object tree
 * ({@code state_dict}, {@code optimizer_states}, {@code hyper_parameters}) keep their Python types, and plain
 * values ({@code epoch}, {@code lr}) appear where the file has them. Objects that hold tensors (a pickled
 * {@code nn.Module}) are not unfolded: their tensors appear under their state_dict names instead.
 */
public final class LayerTreeBuilder {
    /** A list of plain values longer than this shows as one row (a loss history, say). */
    static final int LONG_LIST = 64;
    /** At most this many value rows, so a file with a huge pickled structure stays browsable. */
    static final int MAX_VALUE_ROWS = 20_000;
    private static final int MAX_DEPTH = 64;
    /**
     * At most this many values of the object tree are visited: the budget the CLI's metadata has, so that a
     * pickle whose values share each other (a billion laughs) cannot make an exponential tree.
     */
    static final int MAX_VISITS = 200_000;
    /** The name of the row that says the tree was cut. */
    public static final String CUT_ROW = "…";
    private static final int CANCEL_CHECK_EVERY = 4096;

    private final Map<String, Deque<LayerNode>> reserved = new HashMap<>();
    private final IdentityHashMap<PyValue, Boolean> holdsTensor = new IdentityHashMap<>();
    private final TaskMonitor monitor;
    private int valueRows;
    private int visits;
    private boolean tooDeep;

    private LayerTreeBuilder(TaskMonitor monitor) {
        this.monitor = monitor;
    }

    /** Builds the tree of {@code c}; the root row is named after the file. */
    public static LayerNode build(Checkpoint c) {
        return build(c, TaskMonitor.NONE);
    }

    /** Builds the tree of {@code c}, stopping with {@link CancelledException} once {@code monitor} is cancelled. */
    public static LayerNode build(Checkpoint c, TaskMonitor monitor) {
        return build(c, TrainingState.of(c), monitor);
    }

    /**
     * Builds the tree of {@code c} whose training state is {@code training}: the rows' parameter counts are of
     * the model's parameters only (tied weights once; optimizer state and buffers apart), as the CLI counts them.
     */
    public static LayerNode build(Checkpoint c, TrainingState training, TaskMonitor monitor) {
        return new LayerTreeBuilder(monitor).run(c, c.file().getFileName() == null ? c.file().toString()
                : c.file().getFileName().toString(), training::isParameter);
    }

    /**
     * Builds the tree of {@code c} with more tensors placed under the given keys: the tensors only the other
     * checkpoint of a comparison has.
     */
    public static LayerNode build(Checkpoint c, Map<String, TensorRef> extraByKey) {
        TrainingState training = TrainingState.of(c);
        LayerNode root = build(c, training, TaskMonitor.NONE);
        extraByKey.forEach((key, t) -> placeAt(root, key, t));
        // B's own tensors (B's training state is not at hand) count as parameters when floating-point.
        computeAggregates(root, t -> training.isParameter(t) || extraByKey.get(t.key()) == t
                && t.dtype().kind() == org.ckptinspector.model.DType.Kind.FLOAT);
        return root;
    }

    private LayerNode run(Checkpoint c, String rootName, Predicate<TensorRef> isParameter) {
        LayerNode root = new LayerNode(rootName, "", null, LayerNode.Kind.ROOT);
        walk(root, c.root(), 0);
        if (visits > MAX_VISITS || tooDeep) {
            String why = visits > MAX_VISITS ? "the object tree has more than " + MAX_VISITS + " values"
                    : "the object tree nests deeper than " + MAX_DEPTH + " levels";
            root.addChild(CUT_ROW, LayerNode.Kind.VALUE).setValue(new PyValue.Str(why + "; the rest is left out"),
                    "truncated");
        }
        for (TensorRef t : c.tensors()) {
            place(root, t);
        }
        dropUnfilled(root);
        if (valueRows == 0 && c.metadata() instanceof PyValue.Dict d && d.size() > 0) {
            LayerNode meta = root.addChild("__metadata__", LayerNode.Kind.CONTAINER);
            meta.setValue(d, describe(d));
            walkEntries(meta, d, 1);
        }
        computeAggregates(root, isParameter);
        return root;
    }

    private void walk(LayerNode node, PyValue v, int depth) {
        if (depth > MAX_DEPTH) {
            tooDeep = true;
            return;
        }
        if (++visits > MAX_VISITS) {
            return;
        }
        if (visits % CANCEL_CHECK_EVERY == 0) {
            monitor.checkCancelled();
        }
        if (v instanceof PyValue.Dict d) {
            container(node, d, describe(d));
            walkEntries(node, d, depth);
        } else if (v instanceof PyValue.PyList l) {
            walkSequence(node, l, l.items(), "list", depth);
        } else if (v instanceof PyValue.Tuple t) {
            walkSequence(node, t, t.items(), "tuple", depth);
        } else if (v instanceof PyValue.Obj o) {
            if (holdsTensor(o, 0)) {
                node.setValue(o, o.typeName());
            } else if (o.attributes().isEmpty()) {
                leaf(node, o);
            } else {
                container(node, o, o.typeName());
                for (Map.Entry<PyValue, PyValue> e : o.attributes().entrySet()) {
                    if (visits > MAX_VISITS) {
                        return;
                    }
                    walk(entryRow(node, e.getKey(), e.getValue()), e.getValue(), depth + 1);
                }
            }
        } else if (v instanceof PyValue.Tensor t) {
            if (!t.ref().key().isEmpty() && node.kind() != LayerNode.Kind.ROOT) {
                reserved.computeIfAbsent(node.key(), k -> new ArrayDeque<>()).add(node);
            }
        } else if (node.kind() != LayerNode.Kind.ROOT) {
            leaf(node, v);
        }
    }

    private void walkEntries(LayerNode node, PyValue.Dict d, int depth) {
        for (Map.Entry<PyValue, PyValue> e : d.entries().entrySet()) {
            if (visits > MAX_VISITS) {
                return;
            }
            if (valueRows >= MAX_VALUE_ROWS && !holdsTensor(e.getValue(), 0)) {
                continue;
            }
            walk(entryRow(node, e.getKey(), e.getValue()), e.getValue(), depth + 1);
        }
    }

    /**
     * The row of a dict entry or an attribute. A key that leads to tensors is a module path, split at its dots
     * ({@code fc1.weight}); a plain value's key is one name, whole ({@code config.json} is not {@code config > json}).
     */
    private LayerNode entryRow(LayerNode node, PyValue key, PyValue value) {
        String name = keyText(key);
        return holdsTensor(value, 0) ? descend(node, name) : node.addChild(name, LayerNode.Kind.MODULE);
    }

    private void walkSequence(LayerNode node, PyValue seq, List<PyValue> items, String type, int depth) {
        if (items.size() > LONG_LIST && !holdsTensor(seq, 0)) {
            leaf(node, seq);
            return;
        }
        container(node, seq, type + "[" + items.size() + "]");
        for (int i = 0; i < items.size() && visits <= MAX_VISITS; i++) {
            walk(descend(node, Integer.toString(i)), items.get(i), depth + 1);
        }
    }

    private void container(LayerNode node, PyValue v, String type) {
        if (node.kind() != LayerNode.Kind.ROOT) {
            node.setKind(LayerNode.Kind.CONTAINER);
        }
        node.setValue(v, type);
    }

    private void leaf(LayerNode node, PyValue v) {
        if (node.kind() == LayerNode.Kind.ROOT) {
            node.setValue(v, v.typeName());
            return;
        }
        node.setKind(LayerNode.Kind.VALUE);
        node.setValue(v, ValueText.typeName(v));
        valueRows++;
    }

    /** The row for a dotted name below {@code node}, creating module rows for each segment. */
    static LayerNode descend(LayerNode node, String dotted) {
        LayerNode n = node;
        for (String seg : dotted.split("\\.", -1)) {
            LayerNode c = n.child(seg);
            n = c != null ? c : n.addChild(seg, LayerNode.Kind.MODULE);
        }
        return n;
    }

    private void place(LayerNode root, TensorRef t) {
        Deque<LayerNode> slots = reserved.get(t.key());
        LayerNode slot = slots == null ? null : slots.poll();
        if (slot == null) {
            placeAt(root, t.key(), t);
        } else {
            slot.setTensor(t);
        }
    }

    static void placeAt(LayerNode root, String key, TensorRef t) {
        int dot = key.lastIndexOf('.');
        LayerNode parent = dot < 0 ? root : descend(root, key.substring(0, dot));
        parent.addChild(key.substring(dot + 1), LayerNode.Kind.TENSOR).setTensor(t);
    }

    /** Removes reserved rows no tensor claimed (a tensor the reader did not list). */
    private static boolean dropUnfilled(LayerNode n) {
        n.children().stream().filter(LayerTreeBuilder::dropUnfilled).toList().forEach(n::removeChild);
        return n.kind() == LayerNode.Kind.MODULE && n.isLeaf() && n.tensor().isEmpty() && n.value().isEmpty();
    }

    private boolean holdsTensor(PyValue v, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        Boolean known = holdsTensor.get(v);
        if (known != null) {
            return known;
        }
        holdsTensor.put(v, Boolean.FALSE);
        boolean r;
        if (v instanceof PyValue.Tensor || v instanceof PyValue.StorageValue) {
            r = true;
        } else if (v instanceof PyValue.Dict d) {
            r = d.entries().values().stream().anyMatch(x -> holdsTensor(x, depth + 1));
        } else if (v instanceof PyValue.PyList l) {
            r = l.items().stream().anyMatch(x -> holdsTensor(x, depth + 1));
        } else if (v instanceof PyValue.Tuple t) {
            r = t.items().stream().anyMatch(x -> holdsTensor(x, depth + 1));
        } else if (v instanceof PyValue.Obj o) {
            r = holdsTensor(o.state(), depth + 1) || holdsTensor(o.args(), depth + 1)
                    || o.listItems().stream().anyMatch(x -> holdsTensor(x, depth + 1))
                    || o.dictItems().values().stream().anyMatch(x -> holdsTensor(x, depth + 1));
        } else {
            r = false;
        }
        holdsTensor.put(v, r);
        return r;
    }

    private static String describe(PyValue.Dict d) {
        return d.typeName();
    }

    /** A dict key as a name segment: strings as they are, ints as digits, anything else as shown. */
    static String keyText(PyValue k) {
        if (k instanceof PyValue.Str s) {
            return s.value();
        }
        if (k instanceof PyValue.Int i) {
            return i.value().toString();
        }
        return ValueText.shortText(k);
    }

    /** Sets the totals of {@code n} and every row below it. */
    static Aggregate computeAggregates(LayerNode n, Predicate<TensorRef> isParameter) {
        Aggregate a = n.tensor().map(t -> Aggregate.of(t, isParameter.test(t))).orElse(null);
        for (LayerNode c : n.children()) {
            Aggregate below = computeAggregates(c, isParameter);
            if (below.tensors() > 0) {
                if (a == null) {
                    a = new Aggregate();
                }
                a.addAll(below);
            }
        }
        // Rows without tensors below (most rows of a large object tree) share one empty total.
        n.setAggregate(a == null ? Aggregate.EMPTY : a);
        return n.aggregate();
    }
}
