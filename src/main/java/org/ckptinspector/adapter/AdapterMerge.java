package org.ckptinspector.adapter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.TensorRef;

/**
 * A LoRA adapter laid over its base model: which base tensor each adapter module changes, and the base model
 * with those tensors merged ({@code merge_and_unload()} without Python). Adapter modules are matched to base
 * tensors by name, peft's {@code base_model.model.} prefix removed: module {@code m} changes {@code m.weight}
 * (and {@code m.bias} with {@code lora_bias}); a base model saved under another prefix is matched when exactly
 * one base key ends with the name (or the name with the base key).
 *
 * @param base the base model
 * @param adapterFile the adapter folder
 * @param adapter the adapter
 * @param changes one per base tensor the adapter changes, in base order
 * @param problems why the adapter cannot be merged into this base (a module without base tensor, a shape that
 *     differs, a LoRA variant); empty when it can
 */
public record AdapterMerge(Checkpoint base, Checkpoint adapterFile, LoraAdapter adapter, List<Change> changes,
        List<String> problems) {

    /**
     * One base tensor the adapter changes.
     *
     * @param key the base tensor's key
     * @param base the base tensor
     * @param replacement the adapter's tensor that replaces it ({@code modules_to_save}, a saved embedding), or null
     * @param lora the LoRA module that adds ΔW to it, or null
     * @param bias true when this is the bias a {@code lora_bias} module adds {@code scale·lora_B.bias} to
     */
    public record Change(String key, TensorRef base, TensorRef replacement, LoraModule lora, boolean bias) {
        /** What changes the tensor: {@code lora}, {@code lora_bias}, {@code replaced} or {@code replaced+lora}. */
        public String kind() {
            if (bias) {
                return "lora_bias";
            }
            return replacement == null ? "lora" : lora == null ? "replaced" : "replaced+lora";
        }
    }

    public AdapterMerge {
        changes = List.copyOf(changes);
        problems = List.copyOf(problems);
    }

    /** Why {@code c} has no adapter: its adapter_config.json could not be read, or it is no adapter folder. */
    private static CheckpointException notAnAdapter(Checkpoint c) {
        String why = c.folderRef().map(f -> f.unread().get(CheckpointFolder.ADAPTER_CONFIG))
                .map(reason -> "the adapter cannot be merged: " + CheckpointFolder.ADAPTER_CONFIG + " not read: "
                        + reason)
                .orElse("not a PEFT adapter folder (" + CheckpointFolder.ADAPTER_CONFIG
                        + " with adapter_model.safetensors or adapter_model.bin)");
        return new CheckpointException(CheckpointException.Kind.UNSUPPORTED, c.file() + ": " + why);
    }

    /** Matches {@code adapterFile}'s adapter to {@code base}; refused when {@code adapterFile} is no PEFT adapter. */
    public static AdapterMerge of(Checkpoint base, Checkpoint adapterFile) throws CheckpointException {
        LoraAdapter adapter = LoraAdapter.of(adapterFile).orElseThrow(() -> notAnAdapter(adapterFile));
        Map<String, TensorRef> byKey = base.tensorsByKey();
        List<String> problems = new ArrayList<>(adapter.problems());
        Map<String, TensorRef> replaced = new LinkedHashMap<>();
        Map<String, LoraModule> lora = new LinkedHashMap<>();
        Map<String, LoraModule> biases = new LinkedHashMap<>();
        adapter.replacements().forEach((key, t) -> {
            String k = resolve(key, byKey);
            if (k == null) {
                problems.add(key + ": saved in the adapter, but the base has no such tensor");
            } else if (!Arrays.equals(byKey.get(k).shape(), t.shape())) {
                problems.add(key + ": the adapter saves shape " + Arrays.toString(t.shape()) + ", the base has "
                        + Arrays.toString(byKey.get(k).shape()));
            } else {
                replaced.put(k, t);
            }
        });
        for (LoraModule m : adapter.modules()) {
            String k = resolve(m.weightKey(), byKey);
            if (k == null) {
                problems.add(m.module() + ": the base has no tensor " + m.weightKey());
                continue;
            }
            TensorRef w = byKey.get(k);
            if (!Arrays.equals(w.shape(), m.deltaShape())) {
                problems.add(m.module() + ": ΔW has shape " + Arrays.toString(m.deltaShape()) + ", the base's " + k
                        + " has " + Arrays.toString(w.shape())
                        + (m.kind() == LoraModule.Kind.LINEAR ? " (is fan_in_fan_out right?)" : ""));
                continue;
            }
            lora.put(k, m);
            if (m.bias() != null) {
                String bk = resolve(m.biasKey(), byKey);
                if (bk == null || byKey.get(bk).numel() != m.bias().numel()) {
                    problems.add(m.module() + ": lora_bias needs a base bias of " + m.bias().numel()
                            + " values; the base has " + (bk == null ? "none" : Arrays.toString(byKey.get(bk).shape())));
                } else {
                    biases.put(bk, m);
                }
            }
        }
        List<Change> changes = new ArrayList<>();
        for (TensorRef t : base.tensors()) {
            String k = t.key();
            if (byKey.get(k) != t) {
                continue;
            }
            if (replaced.containsKey(k) || lora.containsKey(k)) {
                changes.add(new Change(k, t, replaced.get(k), lora.get(k), false));
            } else if (biases.containsKey(k)) {
                changes.add(new Change(k, t, null, biases.get(k), true));
            }
        }
        for (Change c : changes) {
            TensorRef source = c.replacement() == null ? c.base() : c.replacement();
            if (!source.hasValues() || !c.base().hasValues()) {
                problems.add(c.key() + ": its values cannot be read");
            } else if (!copied(c) && !MergedWeight.MERGEABLE.contains(c.base().dtype())) {
                problems.add(c.key() + ": a " + c.base().dtype() + " weight; peft merges into float32, float16, "
                        + "bfloat16 or float64 weights");
            }
        }
        return new AdapterMerge(base, adapterFile, adapter, changes, problems);
    }

    /** Whether the merged value of {@code c} can be computed: plain LoRA, a float weight with readable values. */
    public boolean computable(Change c) {
        TensorRef source = c.replacement() == null ? c.base() : c.replacement();
        return adapter.mergeable() && source.hasValues() && c.base().hasValues()
                && (copied(c) || MergedWeight.MERGEABLE.contains(c.base().dtype()));
    }

    /** A replacement of the base's own dtype is taken as it is, whatever the dtype. */
    private static boolean copied(Change c) {
        return c.lora() == null && c.replacement() != null && c.replacement().dtype() == c.base().dtype();
    }

    /** The base key for {@code key}: itself, else the one base key that ends with it or that it ends with. */
    private static String resolve(String key, Map<String, TensorRef> byKey) {
        if (byKey.containsKey(key)) {
            return key;
        }
        String found = null;
        for (String k : byKey.keySet()) {
            if (k.endsWith("." + key) || key.endsWith("." + k)) {
                if (found != null) {
                    return null;
                }
                found = k;
            }
        }
        return found;
    }

    /** The merged value of a change: the replacement (or base) tensor plus ΔW, in the base tensor's dtype. */
    public TensorRef merged(Change c) throws IOException {
        TensorRef source = c.replacement() == null ? c.base() : c.replacement();
        if (c.bias()) {
            return MergedWeight.bias(c.base(), c.lora().bias(), c.lora().scale());
        }
        if (c.lora() == null && source.dtype() == c.base().dtype()) {
            return source.withLocation(c.base().key(), c.base().path());
        }
        // peft copies a saved tensor into the base parameter, which keeps its dtype.
        return MergedWeight.of(c.base(), source, c.lora() == null ? null : LowRankDelta.of(c.lora()));
    }

    /**
     * The base model with every change merged: same file, format, keys and order, the changed tensors computed on
     * demand. Closing it closes the base and the adapter.
     *
     * @throws CheckpointException when {@link #problems()} is not empty
     */
    public Checkpoint mergedCheckpoint() throws IOException {
        if (!problems.isEmpty()) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, adapterFile.file()
                    + ": cannot merge into " + base.file() + ": " + problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        }
        Map<String, TensorRef> merged = new LinkedHashMap<>();
        for (Change c : changes) {
            merged.put(c.key(), merged(c));
        }
        List<TensorRef> tensors = new ArrayList<>();
        for (TensorRef t : base.tensors()) {
            TensorRef m = merged.get(t.key());
            tensors.add(m != null && base.tensorsByKey().get(t.key()) == t ? m : t);
        }
        return new Checkpoint(base.file(), base.format(), base.root(), tensors, base.globals(), base.warnings(),
                base.metadata(), List.of(base, adapterFile), base.folder());
    }
}
