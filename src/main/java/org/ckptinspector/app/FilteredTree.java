package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The rows a filter keeps: matching rows, their ancestors, and the descendants of a matching module (so that
 * filtering for {@code fc1} shows all of fc1). Computed once per filter; the view asks it for each row's
 * visible children.
 */
public final class FilteredTree {
    private final Map<LayerNode, List<LayerNode>> visibleChildren = new IdentityHashMap<>();
    private int matchedTensors;

    private FilteredTree() {}

    public static FilteredTree of(LayerNode root, LayerFilter filter) {
        FilteredTree t = new FilteredTree();
        t.visit(root, filter, filter.rowPredicate(), filter.isEmpty());
        return t;
    }

    /** Like {@link #of(LayerNode, LayerFilter)}, keeping only tensor rows that also pass {@code tensorRows}. */
    public static FilteredTree of(LayerNode root, LayerFilter filter, Predicate<LayerNode> tensorRows) {
        FilteredTree t = new FilteredTree();
        Predicate<LayerNode> p = filter.rowPredicate();
        LayerFilter f = filter.isEmpty() ? new LayerFilter("", false, filter.dtypes()) : filter;
        t.visit(root, f, n -> n.tensor().isPresent() && tensorRows.test(n) && (filter.isEmpty() || p.test(n)),
                false);
        return t;
    }

    /** Returns whether {@code n} is visible; records its visible children. */
    private boolean visit(LayerNode n, LayerFilter f, Predicate<LayerNode> p, boolean inheritedMatch) {
        boolean self = inheritedMatch && f.typeMatches(n) || p.test(n);
        boolean subtreeMatch = inheritedMatch || p.test(n);
        List<LayerNode> kept = new ArrayList<>();
        for (LayerNode c : n.children()) {
            if (visit(c, f, p, subtreeMatch)) {
                kept.add(c);
            }
        }
        boolean visible = self || !kept.isEmpty() || n.kind() == LayerNode.Kind.ROOT;
        if (visible) {
            visibleChildren.put(n, kept);
            if (self && n.tensor().isPresent()) {
                matchedTensors++;
            }
        }
        return visible;
    }

    /** The visible children of a visible row, in order. */
    public List<LayerNode> children(LayerNode n) {
        return visibleChildren.getOrDefault(n, List.of());
    }

    public boolean isVisible(LayerNode n) {
        return visibleChildren.containsKey(n);
    }

    /** Tensors that matched (or sit below a matching module). */
    public int matchedTensors() {
        return matchedTensors;
    }
}
