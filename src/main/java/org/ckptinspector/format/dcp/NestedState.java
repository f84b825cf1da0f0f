package org.ckptinspector.format.dcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.PyValue;

/**
 * Rebuilds the nested state dict from flattened leaves and their saved paths, as DCP's {@code set_element} does:
 * a string path element makes a dict, an integer makes a list padded with None.
 */
final class NestedState {
    /** A dict (string keys) or a list (integer keys) being built. */
    private static final class Node {
        boolean list;
        final Map<Object, Object> children = new LinkedHashMap<>();

        Node(boolean list) {
            this.list = list;
        }
    }

    private final Node root = new Node(false);

    /** Places {@code value} at {@code path}; a path that runs through a leaf keeps the first value. */
    void put(List<Object> path, PyValue value) {
        Node cur = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Object next = cur.children.computeIfAbsent(path.get(i), k -> new Node(false));
            if (!(next instanceof Node n)) {
                return;
            }
            boolean intKey = path.get(i + 1) instanceof Integer;
            if (n.children.isEmpty()) {
                n.list = intKey;
            } else if (n.list && !intKey) {
                n.list = false; // mixed keys: kept as a dict, as no Python container could hold them otherwise
            }
            cur = n;
        }
        cur.children.putIfAbsent(path.get(path.size() - 1), value);
    }

    PyValue build() {
        return build(root);
    }

    private static PyValue build(Node node) {
        if (node.list) {
            int size = 0;
            for (Object k : node.children.keySet()) {
                size = Math.max(size, (Integer) k + 1);
            }
            List<PyValue> items = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                Object child = node.children.get(i);
                items.add(child == null ? PyValue.None.NONE : value(child));
            }
            return new PyValue.PyList(items);
        }
        PyValue.Dict d = new PyValue.Dict();
        for (Map.Entry<Object, Object> e : node.children.entrySet()) {
            PyValue key = e.getKey() instanceof Integer i ? PyValue.Int.of(i) : new PyValue.Str((String) e.getKey());
            d.put(key, value(e.getValue()));
        }
        return d;
    }

    private static PyValue value(Object child) {
        return child instanceof Node n ? build(n) : (PyValue) child;
    }
}
