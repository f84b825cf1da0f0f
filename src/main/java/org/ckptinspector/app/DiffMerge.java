package org.ckptinspector.app;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.LayerTreeBuilder;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.diff.KeyAlignment;
import org.ckptinspector.diff.NamedTensor;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;

/**
 * A's layer tree with B's extra tensors added, for diff mode. B's keys are placed under the prefix A's own keys
 * carry relative to the names of the report (so with {@code state_dict.model.} stripped for the comparison, B's
 * {@code fc3.weight} appears as {@code state_dict.model.fc3.weight}, beside A's fc1 and fc2).
 *
 * @param bByName B's tensors by their name in the report
 */
public record DiffMerge(Checkpoint a, DiffResult result, LayerNode tree, Map<String, TensorRef> bByName) {

    public static DiffMerge of(Checkpoint a, Checkpoint b, DiffResult result,
            org.ckptinspector.diff.DiffOptions options) {
        Map<String, TensorRef> bByName = new LinkedHashMap<>();
        for (NamedTensor n : KeyAlignment.align(a.tensors(), b.tensors(), options).b()) {
            bByName.put(n.name(), n.tensor());
        }
        String prefix = prefixOfA(result.reportKeyOfA());
        Map<String, TensorRef> extra = new LinkedHashMap<>();
        for (String name : result.onlyInB()) {
            TensorRef t = bByName.get(name);
            if (t != null) {
                extra.put(prefix + name, t);
            }
        }
        return new DiffMerge(a, result, LayerTreeBuilder.build(a, extra), bByName);
    }

    /** The most common prefix A's keys have before their report names (empty when names are A's keys). */
    static String prefixOfA(Map<String, String> reportKeyOfA) {
        Map<String, Integer> votes = new HashMap<>();
        reportKeyOfA.forEach((aKey, name) -> {
            if (aKey.endsWith(name)) {
                votes.merge(aKey.substring(0, aKey.length() - name.length()), 1, Integer::sum);
            }
        });
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
    }
}
