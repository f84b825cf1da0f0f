package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.training.CheckpointValues;

/**
 * The Contents view's model: a checkpoint's non-tensor values (epoch, step, loss, {@code args}, scheduler state,
 * RNG states, a folder's JSON files) as a tree of dicts, lists and scalars, opened as {@link CheckpointValues}
 * opens them (long plain lists are one row), and searchable.
 *
 * @param name the key or index within the parent ({@code lr}, {@code 0})
 * @param path the dotted path from the root ({@code args.lr}); empty for the root
 * @param type the Python type ({@code dict}, {@code float}, {@code Namespace})
 * @param value the value as Python prints it, for leaves; the size for containers ({@code {4 entries}})
 * @param children the entries of a container, in file order
 */
public record ValueTree(String name, String path, String type, String value, List<ValueTree> children) {
    /** At most this many rows, so that a huge pickled structure stays browsable. */
    static final int MAX_ROWS = 20_000;

    public ValueTree {
        children = List.copyOf(children);
    }

    /** The tree of {@code values} (a checkpoint's {@code metadata()}), its root named {@code rootName}. */
    public static ValueTree of(PyValue values, String rootName) {
        int[] budget = {MAX_ROWS};
        return build(rootName, new CheckpointValues.Leaf("", values), budget);
    }

    private static ValueTree build(String name, CheckpointValues.Leaf leaf, int[] budget) {
        budget[0]--;
        List<CheckpointValues.Leaf> entries = CheckpointValues.children(leaf);
        List<ValueTree> children = new ArrayList<>();
        if (entries != null) {
            for (CheckpointValues.Leaf e : entries) {
                if (budget[0] <= 0) {
                    children.add(new ValueTree("…", e.path(), "", "more values are left out (at most " + MAX_ROWS
                            + " rows)", List.of()));
                    break;
                }
                String segment = leaf.path().isEmpty() ? e.path() : e.path().substring(leaf.path().length() + 1);
                children.add(build(segment, e, budget));
            }
        }
        PyValue v = leaf.value();
        String text;
        if (entries == null) {
            text = CheckpointValues.text(v);
        } else if (v instanceof PyValue.Dict) {
            text = entries.size() + (entries.size() == 1 ? " entry" : " entries");
        } else if (v instanceof PyValue.PyList || v instanceof PyValue.Tuple) {
            text = entries.size() + (entries.size() == 1 ? " item" : " items");
        } else {
            text = "";
        }
        return new ValueTree(name, leaf.path(), v.typeName(), text, children);
    }

    /** Whether this row has no children to show. */
    public boolean isLeaf() {
        return children.isEmpty();
    }

    /** The number of rows, this one included. */
    public int size() {
        int n = 1;
        for (ValueTree c : children) {
            n += c.size();
        }
        return n;
    }

    /** The row at {@code path}, or null. */
    public ValueTree find(String dottedPath) {
        if (path.equals(dottedPath)) {
            return this;
        }
        for (ValueTree c : children) {
            ValueTree f = c.find(dottedPath);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /**
     * The rows whose name, path or value contains {@code query} (ignoring case), with their ancestors; a matching
     * container keeps all its rows. The root is always kept; a blank query keeps everything.
     */
    public ValueTree filter(String query) {
        if (query == null || query.isBlank()) {
            return this;
        }
        ValueTree kept = keep(query.strip().toLowerCase(Locale.ROOT));
        return kept != null ? kept : new ValueTree(name, path, type, value, List.of());
    }

    private ValueTree keep(String q) {
        if (!path.isEmpty() && (name.toLowerCase(Locale.ROOT).contains(q) || path.toLowerCase(Locale.ROOT).contains(q)
                || value.toLowerCase(Locale.ROOT).contains(q))) {
            return this;
        }
        List<ValueTree> kept = new ArrayList<>();
        for (ValueTree c : children) {
            ValueTree k = c.keep(q);
            if (k != null) {
                kept.add(k);
            }
        }
        return kept.isEmpty() ? null : new ValueTree(name, path, type, value, kept);
    }
}
