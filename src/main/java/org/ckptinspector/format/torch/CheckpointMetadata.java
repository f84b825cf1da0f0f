package org.ckptinspector.format.torch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.model.PyValue;

/**
 * The non-tensor values of a checkpoint (epoch, hyper-parameters, optimizer param_groups, argparse fields) as a
 * tree without tensors: containers left empty by removing tensors disappear, numpy scalars become plain numbers
 * and {@code argparse.Namespace} objects dicts of their fields; in a list or tuple that also holds values, a
 * tensor is the string {@code "<tensor>"} so that indices stay those of the file. The copy is a tree of at most
 * {@value #MAX_VALUES} values (larger metadata is cut, with a warning); a reference back into the path being
 * copied (a cycle) becomes the string "...".
 */
final class CheckpointMetadata {
    /** Most values the metadata tree holds; enough for any real training state, bounded for hostile graphs. */
    static final int MAX_VALUES = 200_000;

    /** Stands for a tensor in a list or tuple of values, so that the other items keep their indices. */
    static final PyValue TENSOR = new PyValue.Str("<tensor>");

    /** Marks a child that held only tensors. */
    private static final PyValue PRUNED = new PyValue.Str("\u0000pruned");

    private CheckpointMetadata() {}

    /** The metadata of {@code root}; a note is added to {@code warnings} when it had to be cut. */
    static PyValue of(PyValue root, List<String> warnings) {
        Copier c = new Copier();
        PyValue m = c.copy(root);
        if (c.truncated) {
            warnings.add("metadata has more than " + MAX_VALUES + " values; the rest is shown as '…'");
        }
        return m == PRUNED ? new PyValue.Dict() : m;
    }

    private static final class Frame {
        final PyValue source;
        final List<PyValue> children;
        final List<PyValue> copies = new ArrayList<>();
        int next;

        Frame(PyValue source, List<PyValue> children) {
            this.source = source;
            this.children = children;
        }
    }

    private static final class Copier {
        private final Set<PyValue> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
        private int count;
        private boolean truncated;

        PyValue copy(PyValue root) {
            Deque<Frame> stack = new ArrayDeque<>();
            PyValue leaf = open(root, stack);
            if (leaf != null) {
                return leaf;
            }
            PyValue result = null;
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                if (f.next < f.children.size()) {
                    PyValue child = f.children.get(f.next++);
                    PyValue done = open(child, stack);
                    if (done != null) {
                        f.copies.add(done);
                    }
                    continue;
                }
                stack.pop();
                onPath.remove(f.source);
                PyValue built = build(f);
                if (stack.isEmpty()) {
                    result = built;
                } else {
                    stack.peek().copies.add(built);
                }
            }
            return result;
        }

        /** Returns the finished copy of a leaf, or null after pushing a frame for a container. */
        private PyValue open(PyValue v, Deque<Frame> stack) {
            if (v instanceof PyValue.Tensor
                    || v instanceof PyValue.Obj a && NumpyValues.isArray(a) && NumpyValues.array(a) != null) {
                return PRUNED;
            }
            if (++count > MAX_VALUES) {
                truncated = true;
                return new PyValue.Str("…");
            }
            if (v instanceof PyValue.Obj o) {
                PyValue scalar = NumpyValues.scalar(o);
                if (scalar != null) {
                    return scalar;
                }
            }
            List<PyValue> children = children(v);
            if (children == null) {
                return v;
            }
            if (onPath.contains(v)) {
                return new PyValue.Str("...");
            }
            onPath.add(v);
            stack.push(new Frame(v, children));
            return null;
        }

        /** The values to copy inside a container, or null for a leaf. */
        private static List<PyValue> children(PyValue v) {
            if (v instanceof PyValue.Dict d) {
                return new ArrayList<>(d.entries().values());
            }
            if (v instanceof PyValue.PyList l) {
                return l.items();
            }
            if (v instanceof PyValue.Tuple t) {
                return t.items();
            }
            if (v instanceof PyValue.Obj o) {
                if (isNamespace(o)) {
                    return new ArrayList<>(o.attributes().values());
                }
                List<PyValue> c = new ArrayList<>(o.args().items());
                c.add(o.state());
                c.addAll(o.listItems());
                c.addAll(o.dictItems().values());
                return c;
            }
            return null;
        }

        private static boolean isNamespace(PyValue.Obj o) {
            return o.cls() instanceof PyValue.Global g && g.qualifiedName().equals("argparse.Namespace");
        }

        private static PyValue build(Frame f) {
            List<PyValue> c = f.copies;
            boolean allPruned = !c.isEmpty() && c.stream().allMatch(x -> x == PRUNED);
            if (allPruned) {
                return PRUNED;
            }
            if (f.source instanceof PyValue.Dict d) {
                PyValue.Dict out = new PyValue.Dict(d.className());
                putKept(out, d.entries(), c);
                return out;
            }
            if (f.source instanceof PyValue.PyList) {
                return new PyValue.PyList(marked(c));
            }
            if (f.source instanceof PyValue.Tuple) {
                return new PyValue.Tuple(marked(c));
            }
            PyValue.Obj o = (PyValue.Obj) f.source;
            if (isNamespace(o)) {
                PyValue.Dict out = new PyValue.Dict("argparse.Namespace");
                putKept(out, o.attributes(), c);
                return out;
            }
            int n = o.args().size();
            PyValue.Obj out = new PyValue.Obj(o.cls(), new PyValue.Tuple(kept(c.subList(0, n))));
            PyValue state = c.get(n);
            out.setState(state == PRUNED ? PyValue.None.NONE : state);
            int at = n + 1;
            for (PyValue item : c.subList(at, at + o.listItems().size())) {
                if (item != PRUNED) {
                    out.addListItem(item);
                }
            }
            at += o.listItems().size();
            for (PyValue k : o.dictItems().keySet()) {
                PyValue item = c.get(at++);
                if (item != PRUNED) {
                    out.putDictItem(k, item);
                }
            }
            return out;
        }

        private static void putKept(PyValue.Dict out, Map<PyValue, PyValue> entries, List<PyValue> copies) {
            int i = 0;
            for (PyValue k : entries.keySet()) {
                PyValue v = copies.get(i++);
                if (v != PRUNED) {
                    out.put(k, v);
                }
            }
        }

        /** A sequence keeps its positions: a tensor among values becomes {@link #TENSOR}. */
        private static List<PyValue> marked(List<PyValue> copies) {
            return copies.stream().map(v -> v == PRUNED ? TENSOR : v).toList();
        }

        private static List<PyValue> kept(List<PyValue> copies) {
            List<PyValue> out = new ArrayList<>();
            for (PyValue v : copies) {
                if (v != PRUNED) {
                    out.add(v);
                }
            }
            return out;
        }
    }
}
