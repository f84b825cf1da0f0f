package org.ckptinspector.app;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ckptinspector.app.Comparison;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.diff.KeyStatus;
import org.ckptinspector.diff.ModuleStatuses;
import org.ckptinspector.diff.ModuleUpdate;
import org.ckptinspector.diff.ValueChange;
import org.ckptinspector.model.TensorRef;

/**
 * The comparison in force: which of A's rows match which of B's tensors, the status of every row of the merged
 * tree (modules summed up by the diff's own rule), and each tensor's Δ statistics. Empty outside diff mode.
 */
public final class ComparisonState implements Comparison.Lookup {
    private Marks marks;

    /**
     * What a finished diff marks on its merged tree; computed once, off the FX thread, and not changed after.
     */
    public static final class Marks {
        private final DiffResult result;
        private final Map<String, KeyStatus> statuses;
        private final Map<TensorRef, String> nameOfA = new IdentityHashMap<>();
        private final Map<TensorRef, String> nameOfB = new IdentityHashMap<>();
        private final Map<String, TensorRef> bByName = new HashMap<>();
        private final Map<String, ValueChange> changes = new HashMap<>();
        private final Set<String> dtypeMismatch = new HashSet<>();
        private final Map<LayerNode, DiffStatus> rowStatus = new IdentityHashMap<>();
        /** The totals of each side below the rows that hold more than one tensor. */
        private final Map<LayerNode, Sides> moduleSides = new IdentityHashMap<>();
        /** The update verdict of the rows whose tensors the diff rolled up as one module. */
        private final Map<LayerNode, String> moduleVerdicts = new IdentityHashMap<>();
        private final Map<String, String> moduleVerdictByName = new HashMap<>();
        private final Set<String> identical = new HashSet<>();

        private Marks(DiffMerge merged) {
            result = merged.result();
            result.reportKeyOfA().forEach((aKey, name) -> merged.a().tensor(aKey)
                    .ifPresent(t -> nameOfA.put(t, name)));
            merged.bByName().forEach((name, t) -> {
                bByName.put(name, t);
                nameOfB.put(t, name);
            });
            result.changed().forEach(c -> changes.put(c.key(), c));
            result.dtypeMismatch().forEach(d -> dtypeMismatch.add(d.key()));
            statuses = result.keyStatuses();
            identical.addAll(result.identical());
            result.moduleUpdates().forEach(u -> moduleVerdictByName.put(u.module(), u.label()));
            Map<String, KeyStatus> byTreeKey = new LinkedHashMap<>();
            collect(merged.tree(), byTreeKey);
            mark(merged.tree(), ModuleStatuses.of(byTreeKey));
            sides(merged.tree());
        }

        /** Sums each side's tensors below {@code n}, keeping the sums of rows that are not a tensor. */
        private Sides sides(LayerNode n) {
            if (n.tensor().isPresent()) {
                TensorRef t = n.tensor().get();
                String aName = nameOfA.get(t);
                if (aName == null) {
                    return new Sides(Aggregate.EMPTY, nameOfB.containsKey(t) ? n.aggregate() : Aggregate.EMPTY);
                }
                TensorRef b = bByName.get(aName);
                if (n.parent().isPresent() && !moduleVerdicts.containsKey(n.parent().get())) {
                    String v = moduleVerdictByName.get(ModuleUpdate.moduleOf(aName));
                    if (v != null) {
                        moduleVerdicts.put(n.parent().get(), v);
                    }
                }
                return new Sides(n.aggregate(), b == null ? Aggregate.EMPTY : likeA(n, b));
            }
            if (n.children().isEmpty()) {
                return new Sides(Aggregate.EMPTY, Aggregate.EMPTY);
            }
            java.util.List<Aggregate> a = new java.util.ArrayList<>();
            java.util.List<Aggregate> b = new java.util.ArrayList<>();
            for (LayerNode c : n.children()) {
                Sides s = sides(c);
                a.add(s.a());
                b.add(s.b());
            }
            Sides s = new Sides(Aggregate.sum(a), Aggregate.sum(b));
            if (s.a().tensors() + s.b().tensors() > 0) {
                moduleSides.put(n, s);
            }
            return s;
        }

        /** The marks of a merged diff; any thread. */
        public static Marks of(DiffMerge merged) {
            return new Marks(merged);
        }

        private void collect(LayerNode n, Map<String, KeyStatus> out) {
            n.tensor().ifPresent(t -> {
                String name = nameOf(t);
                KeyStatus s = name == null ? null : statuses.get(name);
                if (s != null) {
                    out.put(n.key(), s);
                }
            });
            n.children().forEach(c -> collect(c, out));
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
            return d == DiffStatus.CHANGED && name != null && dtypeMismatch.contains(name)
                    ? DiffStatus.DTYPE_MISMATCH : d;
        }

        private String nameOf(TensorRef t) {
            String a = nameOfA.get(t);
            return a != null ? a : nameOfB.get(t);
        }
    }

    /**
     * The totals of a row's tensors in A and in B (a tensor row: its own tensor and its counterpart), or null
     * outside diff mode and for rows without tensors.
     */
    public record Sides(Aggregate a, Aggregate b) {}

    /** The two sides of a row of the merged tree, or null (no comparison, no tensors). */
    public Sides sides(LayerNode n) {
        if (marks == null) {
            return null;
        }
        if (n.tensor().isEmpty()) {
            return marks.moduleSides.get(n);
        }
        TensorRef t = n.tensor().get();
        String aName = marks.nameOfA.get(t);
        if (aName == null) {
            return marks.nameOfB.containsKey(t) ? new Sides(Aggregate.EMPTY, n.aggregate()) : null;
        }
        TensorRef b = marks.bByName.get(aName);
        return new Sides(n.aggregate(), b == null ? Aggregate.EMPTY : likeA(n, b));
    }

    /** The totals of B's tensor {@code b}, its elements parameters when those of A's row are. */
    private static Aggregate likeA(LayerNode n, TensorRef b) {
        return Aggregate.of(b, n.aggregate().parameters() > 0 || n.tensor().orElseThrow().numel() == 0);
    }

    /** B's tensor matched with this row's tensor of A, or null. */
    public TensorRef counterpart(LayerNode n) {
        if (marks == null || n.tensor().isEmpty()) {
            return null;
        }
        String aName = marks.nameOfA.get(n.tensor().get());
        return aName == null ? null : marks.bByName.get(aName);
    }

    /**
     * How the update from B to A looks on this row ({@code frozen}, {@code sparse}, {@code low-rank (rank 4)},
     * {@code full}), as {@code diff --json} judges it: a tensor's own verdict, a module's roll-up over the
     * tensors directly in it; null where the values were not compared.
     */
    public String verdict(LayerNode n) {
        if (marks == null) {
            return null;
        }
        if (n.tensor().isEmpty()) {
            return marks.moduleVerdicts.get(n);
        }
        String aName = marks.nameOfA.get(n.tensor().get());
        if (aName == null) {
            return null;
        }
        ValueChange c = marks.changes.get(aName);
        if (c != null) {
            return c.update() == null ? null : c.update().label();
        }
        return marks.identical.contains(aName)
                ? new org.ckptinspector.diff.UpdateVerdict(org.ckptinspector.diff.UpdateVerdict.Kind.FROZEN, null, null)
                        .label() : null;
    }

    /** Takes a finished diff and the merged tree it marks. */
    public void set(DiffMerge merged) {
        set(Marks.of(merged));
    }

    /** Takes the marks of a finished diff, computed beforehand. */
    public void set(Marks m) {
        marks = m;
    }

    public void clear() {
        marks = null;
    }

    public boolean isActive() {
        return marks != null;
    }

    public DiffResult result() {
        return marks == null ? null : marks.result;
    }

    /** The mark of a row of the merged tree, or null (not compared, or a value row). */
    public DiffStatus status(LayerNode n) {
        return marks == null ? null : marks.rowStatus.get(n);
    }

    @Override
    public Optional<Comparison> of(TensorRef t) {
        if (marks == null) {
            return Optional.empty();
        }
        String aName = marks.nameOfA.get(t);
        if (aName == null) {
            String bName = marks.nameOfB.get(t);
            return bName == null ? Optional.empty()
                    : Optional.of(new Comparison(null, null, DiffStatus.ONLY_IN_B.label()));
        }
        KeyStatus s = marks.statuses.get(aName);
        DiffStatus d = s == null ? null : marks.refine(DiffStatus.of(s), aName);
        String words = d == null ? "not compared" : d.label() + (aName.equals(t.key()) ? "" : "  (B: " + aName + ")");
        return Optional.of(new Comparison(marks.bByName.get(aName), marks.changes.get(aName), words));
    }

    /** How many keys have each status, a dtype change counted as such rather than as a value change. */
    public Map<DiffStatus, Integer> counts() {
        Map<DiffStatus, Integer> n = new java.util.EnumMap<>(DiffStatus.class);
        if (marks != null) {
            marks.statuses.forEach((key, s) -> n.merge(marks.refine(DiffStatus.of(s), key), 1, Integer::sum));
        }
        return n;
    }
}
