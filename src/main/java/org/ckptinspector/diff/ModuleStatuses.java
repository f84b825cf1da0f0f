package org.ckptinspector.diff;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The diff status of every module path (the dotted prefixes of the keys, {@code ""} being the root) and of every
 * key, for colouring a tree: a module is IDENTICAL when all its tensors are, ONLY_IN_A / ONLY_IN_B / SHAPE_MISMATCH
 * when all its tensors are, and CHANGED as soon as any tensor changed or its tensors differ in different ways.
 */
public final class ModuleStatuses {
    private final Map<String, KeyStatus> byPath;

    private ModuleStatuses(Map<String, KeyStatus> byPath) {
        this.byPath = Collections.unmodifiableMap(byPath);
    }

    /** Aggregates per-key statuses; modules appear in the order their first key does. */
    public static ModuleStatuses of(Map<String, KeyStatus> keyStatuses) {
        Map<String, KeyStatus> modules = new LinkedHashMap<>();
        for (Map.Entry<String, KeyStatus> e : keyStatuses.entrySet()) {
            String path = e.getKey();
            modules.merge("", e.getValue(), KeyStatus::combine);
            for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
                modules.merge(path.substring(0, dot), e.getValue(), KeyStatus::combine);
            }
        }
        Map<String, KeyStatus> all = new LinkedHashMap<>(modules);
        keyStatuses.forEach(all::putIfAbsent);
        return new ModuleStatuses(all);
    }

    /** The status of a module path or key, empty for a path neither checkpoint has. */
    public Optional<KeyStatus> status(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /** Every module path and key with its status: modules first, then keys. */
    public Map<String, KeyStatus> asMap() {
        return byPath;
    }
}
