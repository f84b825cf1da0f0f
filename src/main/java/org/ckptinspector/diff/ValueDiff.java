package org.ckptinspector.diff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.training.CheckpointValues;

/**
 * The non-tensor values (epoch, loss, args, scheduler and optimizer hyper-parameters, RNG states) that differ
 * between two checkpoints, leaf by leaf as {@link CheckpointValues} names them.
 *
 * @param changed leaves both have with different values, in A's order
 * @param onlyInA leaves only A has
 * @param onlyInB leaves only B has
 */
public record ValueDiff(List<Changed> changed, List<String> onlyInA, List<String> onlyInB) {
    /** A value that differs. */
    public record Changed(String path, PyValue a, PyValue b) {}

    /** No value compared. */
    public static final ValueDiff NONE = new ValueDiff(List.of(), List.of(), List.of());

    public ValueDiff {
        changed = List.copyOf(changed);
        onlyInA = List.copyOf(onlyInA);
        onlyInB = List.copyOf(onlyInB);
    }

    /** True when no value differs. */
    public boolean isEmpty() {
        return changed.isEmpty() && onlyInA.isEmpty() && onlyInB.isEmpty();
    }

    /** The number of differing values. */
    public int count() {
        return changed.size() + onlyInA.size() + onlyInB.size();
    }

    /** Compares two metadata trees. */
    public static ValueDiff of(PyValue a, PyValue b) {
        Map<String, PyValue> inB = new LinkedHashMap<>();
        CheckpointValues.leaves(b).forEach(l -> inB.putIfAbsent(l.path(), l.value()));
        List<Changed> changed = new ArrayList<>();
        List<String> onlyInA = new ArrayList<>();
        Map<String, PyValue> inA = new LinkedHashMap<>();
        for (CheckpointValues.Leaf l : CheckpointValues.leaves(a)) {
            if (inA.putIfAbsent(l.path(), l.value()) != null) {
                continue;
            }
            PyValue other = inB.get(l.path());
            if (other == null) {
                onlyInA.add(l.path());
            } else if (!same(l.value(), other)) {
                changed.add(new Changed(l.path(), l.value(), other));
            }
        }
        List<String> onlyInB = inB.keySet().stream().filter(k -> !inA.containsKey(k)).toList();
        return new ValueDiff(changed, onlyInA, onlyInB);
    }

    /**
     * Equal leaves: plain values by value, long sequences item by item; the only other leaves are empty
     * containers and objects without contents, equal when they print the same.
     */
    private static boolean same(PyValue a, PyValue b) {
        if (a.getClass() != b.getClass()) {
            return false;
        }
        List<PyValue> x = items(a);
        if (x != null) {
            return x.equals(items(b));
        }
        return a.equals(b) || (a instanceof PyValue.Dict || a instanceof PyValue.Obj)
                && CheckpointValues.text(a).equals(CheckpointValues.text(b));
    }

    private static List<PyValue> items(PyValue v) {
        return v instanceof PyValue.PyList l ? l.items() : v instanceof PyValue.Tuple t ? t.items() : null;
    }
}
