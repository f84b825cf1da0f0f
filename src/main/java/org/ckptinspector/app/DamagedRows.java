package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a tree whose tensors the reader warned about (an impossible shape, storage out of range, values
 * cut short: the problems {@code inspect} prints as warnings), each with its first problem, and the rows above
 * them, so that damage shows in the tree before a row is opened.
 */
public final class DamagedRows {
    private static final DamagedRows NONE = new DamagedRows(Map.of(), List.of());

    /** A damaged tensor's first problem; for a row above damaged tensors, how many there are. */
    private final Map<LayerNode, Object> rows;
    private final List<LayerNode> tensors;

    private DamagedRows(Map<LayerNode, Object> rows, List<LayerNode> tensors) {
        this.rows = rows;
        this.tensors = tensors;
    }

    /** The damaged rows of {@code tree}; any thread. */
    public static DamagedRows of(LayerNode tree) {
        Map<LayerNode, Object> rows = new IdentityHashMap<>();
        List<LayerNode> tensors = new ArrayList<>();
        collect(tree, rows, tensors);
        return tensors.isEmpty() ? NONE : new DamagedRows(rows, Collections.unmodifiableList(tensors));
    }

    /** No damaged rows. */
    public static DamagedRows none() {
        return NONE;
    }

    private static void collect(LayerNode n, Map<LayerNode, Object> rows, List<LayerNode> tensors) {
        n.tensor().filter(t -> !t.problems().isEmpty()).ifPresent(t -> {
            tensors.add(n);
            rows.put(n, t.problems().get(0));
            for (LayerNode p = n.parent().orElse(null); p != null; p = p.parent().orElse(null)) {
                rows.merge(p, 1, (x, y) -> x instanceof Integer i ? i + 1 : x);
            }
        });
        n.children().forEach(c -> collect(c, rows, tensors));
    }

    /** Whether {@code n} is a damaged tensor or holds one. */
    public boolean contains(LayerNode n) {
        return rows.containsKey(n);
    }

    /**
     * The words for a row's marker: the tensor's first problem, or for a module how many of its tensors are
     * damaged; null for an undamaged row.
     */
    public String reason(LayerNode n) {
        if (!rows.containsKey(n)) {
            return null;
        }
        Object why = rows.get(n);
        if (why instanceof String s) {
            return s;
        }
        int below = (Integer) why;
        return below + (below == 1 ? " damaged tensor below" : " damaged tensors below");
    }

    /** The damaged tensor rows, in tree order. */
    public List<LayerNode> tensors() {
        return tensors;
    }
}
