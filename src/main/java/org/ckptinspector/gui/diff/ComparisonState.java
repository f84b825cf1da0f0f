package org.ckptinspector.gui.diff;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.diff.KeyStatus;
import org.ckptinspector.diff.ModuleStatuses;
import org.ckptinspector.diff.ValueChange;
import org.ckptinspector.gui.detail.Comparison;
import org.ckptinspector.gui.tree.LayerNode;
import org.ckptinspector.model.TensorRef;

/**
 * The comparison in force: which of A's rows match which of B's tensors, the status of every row of the merged
 * tree (modules summed up by the diff's own rule), and each tensor's Δ statistics. Empty outside diff mode.
 */
public final class ComparisonState implements Comparison.Lookup {
    private DiffResult result;
    private Map<String, KeyStatus> statuses = Map.of();
    private final Map<TensorRef, String> nameOfA = new IdentityHashMap<>();
    private final Map<TensorRef, String> nameOfB = new IdentityHashMap<>();
    private final Map<String, TensorRef> bByName = new HashMap<>();
    private final Map<String, ValueChange> changes = new HashMap<>();
    private final Set<String> dtypeMismatch = new HashSet<>();
    private final Map<LayerNode, DiffStatus> rowStatus = new IdentityHashMap<>();

    /** Takes a finished diff and the merged tree it marks. */
    public void set(DiffMerge merged) {
        clear();
        result = merged.result();
        merged.result().reportKeyOfA().forEach((aKey, name) -> merged.a().tensor(aKey)
                .ifPresent(t -> nameOfA.put(t, name)));
        merged.bByName().forEach((name, t) -> {
            bByName.put(name, t);
            nameOfB.put(t, name);
        });
        result.changed().forEach(c -> changes.put(c.key(), c));
        result.dtypeMismatch().forEach(d -> dtypeMismatch.add(d.key()));
        Map<String, KeyStatus> byTreeKey = new LinkedHashMap<>();
        statuses = result.keyStatuses();
        collect(merged.tree(), statuses, byTreeKey);
        ModuleStatuses modules = ModuleStatuses.of(byTreeKey);
        mark(merged.tree(), modules);
    }

    public void clear() {
        result = null;
        statuses = Map.of();
        nameOfA.clear();
        nameOfB.clear();
        bByName.clear();
        changes.clear();
        dtypeMismatch.clear();
        rowStatus.clear();
    }

    public boolean isActive() {
        return result != null;
    }

    public DiffResult result() {
        return result;
    }

    /** The mark of a row of the merged tree, or null (not compared, or a value row). */
    public DiffStatus status(LayerNode n) {
        return rowStatus.get(n);
    }

    private void collect(LayerNode n, Map<String, KeyStatus> statuses, Map<String, KeyStatus> out) {
        n.tensor().ifPresent(t -> {
            String name = nameOf(t);
            KeyStatus s = name == null ? null : statuses.get(name);
            if (s != null) {
                out.put(n.key(), s);
            }
        });
        n.children().forEach(c -> collect(c, statuses, out));
    }

    private void mark(LayerNode n, ModuleStatuses modules) {
        Optional<KeyStatus> s = modules.status(n.key());
        if (s.isPresent() && (n.tensor().isPresent() || n.aggregate().tensors() > 0)) {
            DiffStatus d = DiffStatus.of(s.get());
            String name = n.tensor().map(this::nameOf).orElse(null);
            rowStatus.put(n, refine(d, name));
        }
        n.children().forEach(c -> mark(c, modules));
    }

    /** A changed key whose dtypes differ shows as a dtype mismatch; a shape mismatch stays one. */
    private DiffStatus refine(DiffStatus d, String name) {
        return d == DiffStatus.CHANGED && name != null && dtypeMismatch.contains(name) ? DiffStatus.DTYPE_MISMATCH : d;
    }

    private String nameOf(TensorRef t) {
        String a = nameOfA.get(t);
        return a != null ? a : nameOfB.get(t);
    }

    @Override
    public Optional<Comparison> of(TensorRef t) {
        if (result == null) {
            return Optional.empty();
        }
        String aName = nameOfA.get(t);
        if (aName == null) {
            String bName = nameOfB.get(t);
            return bName == null ? Optional.empty()
                    : Optional.of(new Comparison(null, null, DiffStatus.ONLY_IN_B.label()));
        }
        KeyStatus s = statuses.get(aName);
        DiffStatus d = s == null ? null : refine(DiffStatus.of(s), aName);
        String words = d == null ? "not compared" : d.label() + (aName.equals(t.key()) ? "" : "  (B: " + aName + ")");
        return Optional.of(new Comparison(bByName.get(aName), changes.get(aName), words));
    }

    /** How many keys have each status, a dtype change counted as such rather than as a value change. */
    public Map<DiffStatus, Integer> counts() {
        Map<DiffStatus, Integer> n = new java.util.EnumMap<>(DiffStatus.class);
        statuses.forEach((key, s) -> n.merge(refine(DiffStatus.of(s), key), 1, Integer::sum));
        return n;
    }
}
