package org.ckptinspector.diff;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.DType;

/**
 * What differs between checkpoint A and checkpoint B, under B's key names, and what
 * {@code load_state_dict} would say when A is loaded into a model whose state_dict is B.
 *
 * @param alignment null when the keys were compared as they are, else the renames and prefix rules applied
 * @param onlyInA A's keys (in B's naming) that B lacks, in A's order; the lists below follow B's order
 * @param dtypeMismatch keys whose dtypes differ; those of equal shapes are compared as values in {@code changed}
 * @param identical same dtype, same shape, bitwise-equal bytes
 * @param changed Δ statistics of keys whose bytes or dtypes differ
 * @param notCompared keys both hold with equal shapes whose values cannot be read
 * @param modelClass the class name torch would put in its error message (B's module class, else B's file name)
 * @param reportKeyOfA A's own keys mapped to the names used in this report, for tensors that took part
 * @param moduleUpdates the update verdicts of {@code changed} and {@code identical} rolled up per module
 * @param values the non-tensor values that differ
 */
public record DiffResult(
        Path a,
        Path b,
        String alignment,
        List<String> onlyInA,
        List<String> onlyInB,
        List<ShapeMismatch> shapeMismatch,
        List<DtypeMismatch> dtypeMismatch,
        List<String> identical,
        List<ValueChange> changed,
        List<NotCompared> notCompared,
        LoadStateDictReport loadStateDict,
        String modelClass,
        Map<String, String> reportKeyOfA,
        List<ModuleUpdate> moduleUpdates,
        ValueDiff values) {

    /** A key whose shapes differ. */
    public record ShapeMismatch(String key, List<Long> shapeA, List<Long> shapeB) {
        public ShapeMismatch {
            shapeA = List.copyOf(shapeA);
            shapeB = List.copyOf(shapeB);
        }
    }

    /** A key whose dtypes differ. */
    public record DtypeMismatch(String key, DType dtypeA, DType dtypeB) {}

    /** A key whose values could not be compared, and why. */
    public record NotCompared(String key, String reason) {}

    public DiffResult {
        onlyInA = List.copyOf(onlyInA);
        onlyInB = List.copyOf(onlyInB);
        shapeMismatch = List.copyOf(shapeMismatch);
        dtypeMismatch = List.copyOf(dtypeMismatch);
        identical = List.copyOf(identical);
        changed = List.copyOf(changed);
        notCompared = List.copyOf(notCompared);
        reportKeyOfA = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reportKeyOfA));
        moduleUpdates = List.copyOf(moduleUpdates);
    }

    /** True when both hold the same keys with the same dtypes, shapes and bytes, and the same values. */
    public boolean isIdentical() {
        return onlyInA.isEmpty() && onlyInB.isEmpty() && shapeMismatch.isEmpty() && dtypeMismatch.isEmpty()
                && changed.isEmpty() && notCompared.isEmpty() && values.isEmpty();
    }

    /** The status of every key, grouped by status. */
    public Map<String, KeyStatus> keyStatuses() {
        Map<String, KeyStatus> statuses = new LinkedHashMap<>();
        identical.forEach(k -> statuses.put(k, KeyStatus.IDENTICAL));
        changed.forEach(c -> statuses.put(c.key(), KeyStatus.CHANGED));
        shapeMismatch.forEach(s -> statuses.put(s.key(), KeyStatus.SHAPE_MISMATCH));
        notCompared.forEach(n -> statuses.put(n.key(), KeyStatus.NOT_COMPARED));
        onlyInB.forEach(k -> statuses.put(k, KeyStatus.ONLY_IN_B));
        onlyInA.forEach(k -> statuses.put(k, KeyStatus.ONLY_IN_A));
        return statuses;
    }

    /** Statuses aggregated per module path, for colouring a tree of keys. */
    public ModuleStatuses modules() {
        return ModuleStatuses.of(keyStatuses());
    }
}
