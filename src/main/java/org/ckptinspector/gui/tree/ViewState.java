package org.ckptinspector.gui.tree;

import java.util.HashSet;
import java.util.Set;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import org.ckptinspector.app.LayerNode;

/**
 * Which rows the user expanded, by key, carried from one tree of a file to another tree of the same file (its
 * merged tree when a comparison starts, its own tree when it ends), whose rows are other objects with the same
 * keys.
 */
final class ViewState {
    private final Set<String> expandedKeys;

    private ViewState(Set<String> expandedKeys) {
        this.expandedKeys = expandedKeys;
    }

    /** The expansion the user left on the table's rows; with no rows shown, none. */
    static ViewState of(TreeTableView<LayerNode> table, Set<LayerNode> expanded) {
        Set<String> keys = new HashSet<>();
        if (table.getRoot() != null) {
            expanded.forEach(n -> keys.add(n.key()));
        }
        return new ViewState(keys);
    }

    /**
     * Expands the rows of {@code root} whose keys were expanded and collapses the others, keeping
     * {@code expanded} (the rows' record of the user's expansion) in step. Without a former expansion the rows
     * keep the default one.
     */
    void applyTo(TreeItem<LayerNode> root, Set<LayerNode> expanded) {
        if (expandedKeys.isEmpty() || root == null) {
            return;
        }
        apply(root, expanded);
    }

    private void apply(TreeItem<LayerNode> item, Set<LayerNode> expanded) {
        if (item.getChildren().isEmpty()) {
            return;
        }
        boolean open = expandedKeys.contains(item.getValue().key());
        item.setExpanded(open);
        if (open) {
            expanded.add(item.getValue());
        } else {
            expanded.remove(item.getValue());
        }
        item.getChildren().forEach(c -> apply(c, expanded));
    }

    /** The node with this key among the rows below {@code item}, or null. */
    static LayerNode findKey(TreeItem<LayerNode> item, String key) {
        if (item == null) {
            return null;
        }
        if (item.getValue().key().equals(key)) {
            return item.getValue();
        }
        for (TreeItem<LayerNode> c : item.getChildren()) {
            LayerNode f = findKey(c, key);
            if (f != null) {
                return f;
            }
        }
        return null;
    }
}
