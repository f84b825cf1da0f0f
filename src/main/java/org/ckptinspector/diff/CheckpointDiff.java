package org.ckptinspector.diff;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;

/**
 * Compares two open checkpoints: aligns their keys, sorts the keys into only-in-A, only-in-B, shape and dtype
 * mismatches, identical and changed, and dry-runs {@code load_state_dict} with A as the checkpoint and B as the
 * model. Tensor data is read straight from the mapped files in bounded blocks on several threads; identical
 * bytes are found without decoding, and values are decoded only for tensors that differ.
 */
public final class CheckpointDiff {
    private CheckpointDiff() {}

    /**
     * @throws IllegalArgumentException when the rename rules give two of A's tensors one name
     * @throws org.ckptinspector.model.CheckpointException when tensor data cannot be read (names the file)
     * @throws org.ckptinspector.task.CancelledException when the monitor asks to stop
     */
    public static DiffResult compare(Checkpoint a, Checkpoint b, DiffOptions options, TaskMonitor monitor)
            throws IOException {
        return compare(a, b, options, monitor, Granularity.DEFAULT);
    }

    static DiffResult compare(Checkpoint a, Checkpoint b, DiffOptions options, TaskMonitor monitor,
            Granularity granularity) throws IOException {
        KeyAlignment.Result aligned = KeyAlignment.align(a.tensors(), b.tensors(), options);
        Map<String, NamedTensor> aByName = byName(aligned.a());
        Map<String, NamedTensor> bByName = byName(aligned.b());
        List<String> onlyInB = new ArrayList<>();
        List<DiffResult.ShapeMismatch> shapeMismatch = new ArrayList<>();
        List<DiffResult.DtypeMismatch> dtypeMismatch = new ArrayList<>();
        List<DiffResult.NotCompared> notCompared = new ArrayList<>();
        List<PairComparison> pairs = new ArrayList<>();
        for (NamedTensor nb : aligned.b()) {
            NamedTensor na = aByName.get(nb.name());
            if (na == null) {
                onlyInB.add(nb.name());
                continue;
            }
            TensorRef ta = na.tensor();
            TensorRef tb = nb.tensor();
            if (ta.dtype() != tb.dtype()) {
                dtypeMismatch.add(new DiffResult.DtypeMismatch(nb.name(), ta.dtype(), tb.dtype()));
            }
            if (!Arrays.equals(ta.shape(), tb.shape())) {
                shapeMismatch.add(new DiffResult.ShapeMismatch(nb.name(), shape(ta), shape(tb)));
                continue;
            }
            Optional<String> unreadable = unreadable("A", ta).or(() -> unreadable("B", tb));
            if (unreadable.isPresent()) {
                notCompared.add(new DiffResult.NotCompared(nb.name(), unreadable.get()));
                continue;
            }
            pairs.add(new PairComparison(nb.name(), new Side(a.file(), ta), new Side(b.file(), tb), granularity));
        }
        List<String> onlyInA = new ArrayList<>();
        for (NamedTensor na : aligned.a()) {
            if (!bByName.containsKey(na.name())) {
                onlyInA.add(na.name());
            }
        }
        compareBytes(pairs, options.threads(), monitor);
        List<String> identical = new ArrayList<>();
        List<PairComparison> differing = new ArrayList<>();
        for (PairComparison p : pairs) {
            if (!p.bytesDiffer()) {
                identical.add(p.key());
                continue;
            }
            p.openValues();
            differing.add(p);
        }
        compareValues(differing, options.threads(), monitor);
        estimateRanks(differing, options.threads(), monitor);
        List<ValueChange> changed = differing.stream().map(PairComparison::result).toList();
        LoadStateDictReport load = LoadStateDictCheck.check(shapes(aligned.a()), shapes(aligned.b()));
        load = load.withNotes(tiedNotes(a, load));
        Map<String, String> reportKeyOfA = new LinkedHashMap<>();
        aligned.a().forEach(t -> reportKeyOfA.put(t.fileKey(), t.name()));
        return new DiffResult(a.file(), b.file(), aligned.description(), onlyInA, onlyInB, shapeMismatch,
                dtypeMismatch, identical, changed, notCompared, load, modelClass(b), reportKeyOfA,
                moduleUpdates(pairs, changed),
                valuesCompared(a, b, aligned.description()) ? ValueDiff.of(a.metadata(), b.metadata())
                        : ValueDiff.NONE);
    }

    /**
     * Values are compared between two pickled checkpoints, or two safetensors files, whose keys line up as they
     * are: across formats or wrappers (an aligned sub-dict) the values are not the same kind of thing.
     */
    private static boolean valuesCompared(Checkpoint a, Checkpoint b, String alignment) {
        return alignment == null && isPickled(a.format()) == isPickled(b.format());
    }

    private static boolean isPickled(Format f) {
        return f != Format.SAFETENSORS && f != Format.SHARDED;
    }

    /** A note for each missing key that A's config.json ties to its embedding, as transformers would load it. */
    private static List<String> tiedNotes(Checkpoint a, LoadStateDictReport load) {
        Optional<ConfigCheck> check = ConfigCheck.of(a);
        List<String> notes = new ArrayList<>();
        for (String key : load.missingKeys()) {
            check.flatMap(c -> c.tie(key)).ifPresent(f -> notes.add("\"" + key + "\" is missing, but A's "
                    + "config.json sets tie_word_embeddings: transformers ties it to the input embedding when it "
                    + "loads the model, so from_pretrained does not miss it"));
        }
        return notes;
    }

    private static void compareBytes(List<PairComparison> pairs, int threads, TaskMonitor monitor)
            throws IOException {
        long total = 0;
        for (PairComparison p : pairs) {
            p.checkMetadata();
            total += p.byteWork();
        }
        Progress progress = new Progress(monitor, total, "comparing bytes");
        List<ParallelUnits.Unit<ThreadBuffers>> units = new ArrayList<>();
        pairs.forEach(p -> units.addAll(p.byteUnits(progress)));
        ParallelUnits.run(units, threads, ThreadBuffers::new, monitor);
    }

    private static void compareValues(List<PairComparison> pairs, int threads, TaskMonitor monitor)
            throws IOException {
        long total = pairs.stream().mapToLong(PairComparison::valueWork).sum();
        Progress progress = new Progress(monitor, total, "computing differences");
        List<ParallelUnits.Unit<ThreadBuffers>> units = new ArrayList<>();
        pairs.forEach(p -> units.addAll(p.valueUnits(progress)));
        ParallelUnits.run(units, threads, ThreadBuffers::new, monitor);
    }

    private static void estimateRanks(List<PairComparison> pairs, int threads, TaskMonitor monitor)
            throws IOException {
        long budget = DeltaRank.DIFF_BUDGET;
        for (PairComparison p : pairs) {
            long left = p.claimRank(budget);
            budget = left >= 0 ? left : budget;
        }
        long total = pairs.stream().mapToLong(PairComparison::rankWork).sum();
        Progress progress = new Progress(monitor, total, "estimating update ranks");
        List<ParallelUnits.Unit<ThreadBuffers>> units = new ArrayList<>();
        pairs.forEach(p -> units.addAll(p.rankUnits(progress)));
        ParallelUnits.run(units, threads, ThreadBuffers::new, monitor);
    }

    /** The verdicts rolled up per module, over the pairs whose values were compared, in key order. */
    private static List<ModuleUpdate> moduleUpdates(List<PairComparison> pairs, List<ValueChange> changed) {
        Map<String, ValueChange> byKey = new LinkedHashMap<>();
        changed.forEach(c -> byKey.put(c.key(), c));
        Map<String, long[]> sums = new LinkedHashMap<>(); // changed values, values, changed tensors, identical
        Map<String, UpdateVerdict.Kind> kinds = new LinkedHashMap<>();
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (PairComparison p : pairs) {
            String module = ModuleUpdate.moduleOf(p.key());
            long[] s = sums.computeIfAbsent(module, m -> new long[4]);
            ValueChange c = byKey.get(p.key());
            UpdateVerdict.Kind kind = UpdateVerdict.Kind.FROZEN;
            if (c == null) {
                s[1] += p.numel();
                s[3]++;
            } else {
                s[0] += c.changedValues();
                s[1] += c.values();
                s[2]++;
                kind = c.update().kind();
                if (kind == UpdateVerdict.Kind.LOW_RANK) {
                    ranks.merge(module, c.update().deltaRank(), Math::max);
                }
            }
            kinds.merge(module, kind, (x, y) -> x.compareTo(y) >= 0 ? x : y);
        }
        List<ModuleUpdate> out = new ArrayList<>();
        sums.forEach((module, s) -> {
            UpdateVerdict.Kind kind = kinds.get(module);
            out.add(new ModuleUpdate(module, kind, kind == UpdateVerdict.Kind.LOW_RANK ? ranks.get(module) : null,
                    s[1] == 0 ? 0 : (double) s[0] / s[1], (int) s[2], (int) s[3]));
        });
        return out;
    }

    /**
     * Why a tensor has no data to compare (a meta tensor, a missing record, a broken view), if so. GGML blocks whose
     * values are not decoded are still compared by their bytes.
     */
    private static Optional<String> unreadable(String side, TensorRef t) {
        if (t.hasValues() || t.isReadable() && t.dtype().kind() == org.ckptinspector.model.DType.Kind.BLOCK) {
            return Optional.empty();
        }
        String why = ValueReader.unreadableReason(t).orElse("it has no data");
        return Optional.of(side + "'s tensor cannot be read: " + why);
    }

    private static Map<String, NamedTensor> byName(List<NamedTensor> tensors) {
        Map<String, NamedTensor> m = new LinkedHashMap<>();
        tensors.forEach(t -> m.put(t.name(), t));
        return m;
    }

    private static Map<String, List<Long>> shapes(List<NamedTensor> tensors) {
        Map<String, List<Long>> m = new LinkedHashMap<>();
        tensors.forEach(t -> m.put(t.name(), shape(t.tensor())));
        return m;
    }

    private static List<Long> shape(TensorRef t) {
        return Arrays.stream(t.shape()).boxed().toList();
    }

    /** The class torch names in its error: a pickled module's class, else B's file name without extension. */
    static String modelClass(Checkpoint b) {
        if (b.root() instanceof PyValue.Obj o && o.cls() instanceof PyValue.Global g) {
            return g.name();
        }
        String name = b.file().getFileName().toString();
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
