package org.ckptinspector.gui.export;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;
import javafx.scene.input.DataFormat;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.model.TensorRef;

/**
 * The tensors chosen for export, by key: ticked in the tree, dragged into the basket or picked by regex.
 * Ticking a module ticks every tensor below it.
 */
public final class ExportSelection {
    /** What a dragged tree row carries: the keys of the tensors at or below it, one a line. */
    public static final DataFormat TENSOR_KEYS = new DataFormat("application/x-checkpoint-inspector-keys");


    /** How much of a row's tensors are chosen. */
    public enum State { NONE, SOME, ALL }

    private final ObservableSet<String> keys = FXCollections.observableSet(new LinkedHashSet<>());

    /** The chosen keys, in the order they were chosen. */
    public ObservableSet<String> keys() {
        return keys;
    }

    public State state(LayerNode n) {
        if (keys.isEmpty()) {
            // The usual case, asked for every row shown: no need to walk the row's subtree.
            return State.NONE;
        }
        List<TensorRef> below = n.tensorsBelow();
        if (below.isEmpty()) {
            return State.NONE;
        }
        long chosen = below.stream().filter(t -> keys.contains(t.key())).count();
        return chosen == 0 ? State.NONE : chosen == below.size() ? State.ALL : State.SOME;
    }

    /** Chooses all tensors below {@code n}, or none when all were chosen. */
    public void toggle(LayerNode n) {
        Set<String> below = keysBelow(n);
        if (state(n) == State.ALL) {
            keys.removeAll(below);
        } else {
            keys.addAll(below);
        }
    }

    public void add(Collection<String> more) {
        keys.addAll(more);
    }

    public void remove(String key) {
        keys.remove(key);
    }

    public void clear() {
        keys.clear();
    }

    /** Adds every tensor below {@code root} whose key the regex finds; returns how many matched. */
    public int selectByRegex(LayerNode root, String regex) {
        List<String> matched = matching(root, regex);
        keys.addAll(matched);
        return matched.size();
    }

    /** The keys of the tensors below {@code root} that the regex finds; throws for an invalid regex. */
    public static List<String> matching(LayerNode root, String regex) {
        Pattern p = Pattern.compile(regex);
        return root.tensorsBelow().stream().map(TensorRef::key).filter(k -> p.matcher(k).find()).toList();
    }

    /** The keys of all tensors at or below {@code n}. */
    public static Set<String> keysBelow(LayerNode n) {
        Set<String> s = new LinkedHashSet<>();
        n.tensorsBelow().forEach(t -> s.add(t.key()));
        return s;
    }
}
