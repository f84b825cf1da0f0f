package org.ckptinspector.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.PyValue;

/**
 * The {@code _metadata} that {@code nn.Module.state_dict()} attaches to its OrderedDict (per module prefix, e.g.
 * {@code {'': {'version': 1}, 'bn': {'version': 2}}}), reduced to the modules an export keeps and renamed like
 * their keys. {@code load_state_dict} passes each module its entry, and some modules (BatchNorm) migrate old
 * state by the version they find there, so it is worth keeping.
 */
record ModuleMetadata(Map<String, PyValue> entries, List<String> warnings) {

    static ModuleMetadata forExport(Checkpoint source, Selection selection, List<ExportItem> items) {
        Optional<PyValue.Dict> metadata = exportRoot(source, selection, items)
                .filter(PyValue.Dict.class::isInstance)
                .map(d -> ((PyValue.Dict) d).attributes().get("_metadata"))
                .filter(PyValue.Dict.class::isInstance)
                .map(PyValue.Dict.class::cast);
        if (metadata.isEmpty()) {
            return new ModuleMetadata(Map.of(), List.of());
        }
        Map<String, PyValue> kept = new LinkedHashMap<>();
        for (Map.Entry<PyValue, PyValue> e : metadata.get().entries().entrySet()) {
            if (!(e.getKey() instanceof PyValue.Str module)) {
                continue;
            }
            if (!isWeightsOnlySafe(e.getValue(), 0)) {
                return new ModuleMetadata(Map.of(), List.of("the state_dict's _metadata holds values torch's "
                        + "weights_only loader refuses; it is not exported"));
            }
            outputModuleName(module.value(), selection, items).ifPresent(name -> kept.putIfAbsent(name, e.getValue()));
        }
        return new ModuleMetadata(kept, List.of());
    }

    /**
     * The module's name in the output: the prefix of the output key of the first exported tensor in that module,
     * provided the renames left the part after the module name unchanged; empty when no exported tensor lies in
     * the module or the rename rewrote it beyond recognition. The root module {@code ''} is kept as it is.
     */
    private static Optional<String> outputModuleName(String module, Selection selection, List<ExportItem> items) {
        if (module.isEmpty()) {
            return Optional.of("");
        }
        for (ExportItem i : items) {
            String rel = selection.relativeKey(i.sourceKey());
            if (rel != null && rel.startsWith(module + ".")) {
                String rest = rel.substring(module.length());
                String out = i.outputKey();
                if (out.endsWith(rest) && out.length() > rest.length()) {
                    return Optional.of(out.substring(0, out.length() - rest.length()));
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The dict the exported keys are relative to: the file's root, or the sub-dict {@code --root} names. */
    private static Optional<PyValue> exportRoot(Checkpoint source, Selection selection, List<ExportItem> items) {
        if (selection.root().isEmpty()) {
            return Optional.of(source.root());
        }
        List<Object> path = items.get(0).tensor().path();
        StringBuilder joined = new StringBuilder();
        for (int n = 0; n < path.size(); n++) {
            if (n > 0) {
                joined.append('.');
            }
            joined.append(path.get(n));
            if (joined.toString().equals(selection.root())) {
                return walk(source.root(), path.subList(0, n + 1));
            }
        }
        return Optional.empty();
    }

    private static Optional<PyValue> walk(PyValue root, List<Object> path) {
        PyValue v = root;
        for (Object step : path) {
            if (v instanceof PyValue.Dict d) {
                v = step instanceof Integer i ? d.entries().get(PyValue.Int.of(i)) : d.get(String.valueOf(step));
            } else if (v instanceof PyValue.PyList l && step instanceof Integer i && i < l.size()) {
                v = l.items().get(i);
            } else if (v instanceof PyValue.Tuple t && step instanceof Integer i && i < t.size()) {
                v = t.get(i);
            } else if (v instanceof PyValue.Obj o) {
                v = o.attributes().get(new PyValue.Str(String.valueOf(step)));
            } else {
                return Optional.empty();
            }
            if (v == null) {
                return Optional.empty();
            }
        }
        return Optional.of(v);
    }

    /** Values the 1.13 weights_only unpickler rebuilds: dicts, OrderedDicts, lists, tuples, str, int, bool, None. */
    static boolean isWeightsOnlySafe(PyValue v, int depth) {
        if (depth > 32) {
            return false;
        }
        if (v instanceof PyValue.Str || v instanceof PyValue.Bool || v == PyValue.None.NONE) {
            return true;
        }
        if (v instanceof PyValue.Int i) {
            return i.value().bitLength() < 64;
        }
        if (v instanceof PyValue.Tuple t) {
            return t.items().stream().allMatch(x -> isWeightsOnlySafe(x, depth + 1));
        }
        if (v instanceof PyValue.PyList l) {
            return l.items().stream().allMatch(x -> isWeightsOnlySafe(x, depth + 1));
        }
        if (v instanceof PyValue.Dict d) {
            return (d.className().equals("dict") || d.className().equals("collections.OrderedDict"))
                    && d.attributes().isEmpty()
                    && d.entries().entrySet().stream().allMatch(e -> isWeightsOnlySafe(e.getKey(), depth + 1)
                            && isWeightsOnlySafe(e.getValue(), depth + 1));
        }
        return false;
    }
}
