package org.ckptinspector.diff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A dry run of {@code torch.nn.Module.load_state_dict}: the model is known only by its state_dict (names and
 * shapes), so its module tree is rebuilt from the dotted names, modules and tensors in the order the state_dict
 * first names them. The walk then follows torch's {@code load} / {@code _load_from_state_dict}: per module, its
 * own tensors (missing, or shape-checked), then the checkpoint keys under its prefix that name neither a tensor
 * of it nor a child module (unexpected), then its children.
 */
public final class LoadStateDictCheck {
    /** The key suffix of a module's {@code get_extra_state()}, which torch loads without a shape check. */
    static final String EXTRA_STATE = "_extra_state";

    private LoadStateDictCheck() {}

    /**
     * @param checkpoint the checkpoint's keys and shapes, in its order
     * @param model the model's state_dict keys and shapes, in state_dict order
     */
    public static LoadStateDictReport check(Map<String, List<Long>> checkpoint, Map<String, List<Long>> model) {
        Module root = new Module();
        for (String key : model.keySet()) {
            root.add(key);
        }
        Walk walk = new Walk(checkpoint, model);
        walk.load(root, "", new ArrayList<>(checkpoint.keySet()));
        return new LoadStateDictReport(walk.missing, walk.unexpected, walk.sizeMismatch);
    }

    /** A module of the rebuilt tree: its own tensors' names and its children, in first-seen order. */
    private static final class Module {
        final Set<String> locals = new LinkedHashSet<>();
        final Map<String, Module> children = new LinkedHashMap<>();

        void add(String key) {
            Module m = this;
            String rest = key;
            int dot;
            while ((dot = rest.indexOf('.')) >= 0) {
                m = m.children.computeIfAbsent(rest.substring(0, dot), n -> new Module());
                rest = rest.substring(dot + 1);
            }
            m.locals.add(rest);
        }
    }

    private static final class Walk {
        final Map<String, List<Long>> checkpoint;
        final Map<String, List<Long>> model;
        final List<String> missing = new ArrayList<>();
        final List<String> unexpected = new ArrayList<>();
        final List<LoadStateDictReport.SizeMismatch> sizeMismatch = new ArrayList<>();

        Walk(Map<String, List<Long>> checkpoint, Map<String, List<Long>> model) {
            this.checkpoint = checkpoint;
            this.model = model;
        }

        void load(Module module, String prefix, List<String> localKeys) {
            boolean hasExtraState = false;
            for (String name : module.locals) {
                if (name.equals(EXTRA_STATE)) {
                    hasExtraState = true;
                    continue;
                }
                String key = prefix + name;
                List<Long> given = checkpoint.get(key);
                if (given == null) {
                    missing.add(key);
                } else if (!shapesFit(given, model.get(key))) {
                    sizeMismatch.add(new LoadStateDictReport.SizeMismatch(key, given, model.get(key)));
                }
            }
            String extraStateKey = prefix + EXTRA_STATE;
            if (hasExtraState && !checkpoint.containsKey(extraStateKey)) {
                missing.add(extraStateKey);
            } else if (!hasExtraState && checkpoint.containsKey(extraStateKey)) {
                unexpected.add(extraStateKey);
            }
            Map<String, List<String>> byChild = new LinkedHashMap<>();
            for (String key : localKeys) {
                if (key.equals(extraStateKey)) {
                    continue;
                }
                String rest = key.substring(prefix.length());
                int dot = rest.indexOf('.');
                String first = dot >= 0 ? rest.substring(0, dot) : null;
                if (first != null) {
                    byChild.computeIfAbsent(first, n -> new ArrayList<>()).add(key);
                }
                boolean known = first != null ? module.children.containsKey(first) : module.locals.contains(rest);
                if (!known) {
                    unexpected.add(key);
                }
            }
            for (Map.Entry<String, Module> child : module.children.entrySet()) {
                load(child.getValue(), prefix + child.getKey() + ".",
                        byChild.getOrDefault(child.getKey(), List.of()));
            }
        }

        /** torch's test, including its allowance of a [1] checkpoint tensor for a 0-dim parameter. */
        private static boolean shapesFit(List<Long> given, List<Long> expected) {
            if (expected.isEmpty() && given.size() == 1 && given.get(0) == 1L) {
                return true;
            }
            return given.equals(expected);
        }
    }
}
