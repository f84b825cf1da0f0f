package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.ckptinspector.adapter.AdapterSummary;
import org.ckptinspector.adapter.DeltaWeight;
import org.ckptinspector.adapter.LoraConfig;
import org.ckptinspector.adapter.LoraModule;
import org.ckptinspector.model.TensorRef;

/**
 * A PEFT adapter as its own tree: one row per adapted module, placed at its path as the base model's tree has it
 * ({@code model > layers > 0 > self_attn > q_proj}), whose type is its rank and scale, with its {@code lora_A} /
 * {@code lora_B} tensors beneath, then the tensors it saves whole. Selecting a module row shows its
 * ΔW = scale·B·A, a computed tensor ({@link DeltaWeight}) that the statistics, histogram, heat map and value grid
 * read like any other.
 */
public final class AdapterRows {
    /** The row of the tensors peft loads over the base's own ({@code modules_to_save}, saved embeddings). */
    public static final String SAVED_WHOLE = "saved whole";

    /** No adapter: the file's own tree is shown. */
    public static final AdapterRows NONE = new AdapterRows(Map.of());

    /** One module row: the module with its ‖ΔW‖, and its ΔW as a tensor (computed when its values are read). */
    public record Module(AdapterSummary.Module summary, LoraConfig config, TensorRef delta) {
        public LoraModule lora() {
            return summary.lora();
        }
    }

    private final Map<LayerNode, Module> modules;

    private AdapterRows(Map<LayerNode, Module> modules) {
        this.modules = modules;
    }

    /**
     * Rebuilds {@code tree} (the file's tree, whose root stays) as the adapter's tree: the rows holding tensors
     * give way to one row per module at its path, a row of the tensors saved whole (each at the key of the base
     * tensor it replaces), then the file's other {@code tensors} at their keys, in file order; value rows
     * ({@code __metadata__}) stay, last.
     */
    public static AdapterRows rebuild(LayerNode tree, AdapterSummary summary, List<TensorRef> tensors,
            Predicate<TensorRef> isParameter) {
        List<LayerNode> values = new ArrayList<>();
        for (LayerNode c : List.copyOf(tree.children())) {
            tree.removeChild(c);
            if (c.aggregate().tensors() == 0) {
                values.add(c);
            }
        }
        Map<LayerNode, Module> modules = new IdentityHashMap<>();
        Map<TensorRef, Boolean> placed = new IdentityHashMap<>();
        LoraConfig config = summary.adapter().config();
        for (AdapterSummary.Module m : summary.modules()) {
            LoraModule l = m.lora();
            LayerNode row = LayerTreeBuilder.descend(tree, l.module());
            row.setKind(LayerNode.Kind.CONTAINER);
            row.setValue(null, typeOf(l));
            for (TensorRef t : l.bias() == null ? List.of(l.a(), l.b()) : List.of(l.a(), l.b(), l.bias())) {
                row.addChild(partName(t.key(), l.module()), LayerNode.Kind.TENSOR).setTensor(t);
                placed.put(t, true);
            }
            modules.put(row, new Module(m, config, DeltaWeight.of(l)));
        }
        Map<String, TensorRef> saved = summary.adapter().replacements();
        if (!saved.isEmpty()) {
            LayerNode row = tree.addChild(SAVED_WHOLE, LayerNode.Kind.CONTAINER);
            row.setValue(null, "replaces " + saved.size() + (saved.size() == 1 ? " base tensor" : " base tensors"));
            saved.forEach((baseKey, t) -> {
                LayerTreeBuilder.placeAt(row, baseKey, t);
                placed.put(t, true);
            });
        }
        for (TensorRef t : tensors) {
            if (!placed.containsKey(t)) {
                LayerTreeBuilder.placeAt(tree, t.key(), t);
                placed.put(t, true);
            }
        }
        values.forEach(v -> tree.insertChild(tree.children().size(), v));
        LayerTreeBuilder.computeAggregates(tree, isParameter);
        return new AdapterRows(modules);
    }

    /** Whether the open file is an adapter shown as its own tree. */
    public boolean isAdapter() {
        return !modules.isEmpty();
    }

    /** The module a row stands for, if it is an adapter's module row. */
    public Optional<Module> module(LayerNode row) {
        return Optional.ofNullable(modules.get(row));
    }

    /** The ΔW of a module row: the tensor the detail pane shows for it. */
    public Optional<TensorRef> delta(LayerNode row) {
        return module(row).map(Module::delta);
    }

    /** What the detail pane lists for a module row: rank, alpha, scale and how peft computes it, ‖ΔW‖, shapes. */
    public List<Fact> facts(LayerNode row) {
        return module(row).map(AdapterRows::facts).orElse(List.of());
    }

    static List<Fact> facts(Module m) {
        LoraModule l = m.lora();
        LoraConfig c = m.config();
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("module", l.module() + (l.kind() == LoraModule.Kind.EMBEDDING ? "  (embedding)" : "")));
        f.add(new Fact("changes", l.weightKey() + (l.bias() == null ? "" : " and " + l.biasKey())));
        f.add(new Fact("rank", l.rank() + (l.rank() != c.r() ? "  (rank_pattern; r is " + c.r() + ")" : "")));
        f.add(new Fact("alpha", Formats.number(l.alpha())
                + (l.alpha() != c.loraAlpha() ? "  (alpha_pattern; lora_alpha is " + Formats.number(c.loraAlpha()) + ")"
                : "")));
        f.add(new Fact("scale", Formats.number(l.scale()) + (c.useRslora()
                ? "  = alpha / √rank  (use_rslora)" : "  = alpha / rank")));
        f.add(new Fact("‖ΔW‖_F", m.summary().deltaNorm() == null ? "unread: " + m.summary().note()
                : Formats.number(m.summary().deltaNorm())));
        f.add(new Fact("ΔW shape", Formats.shape(l.deltaShape()) + (l.transposed() ? "  = (scale·B·A)ᵀ" : "  = scale·B·A")));
        f.add(new Fact("factors", "lora_A " + Formats.shape(l.a().shape()) + " · lora_B " + Formats.shape(l.b().shape())
                + "  (" + l.a().dtype().torchName() + ", computed in float32 as peft does)"));
        return f;
    }

    /** The module row's type: its rank and scale ({@code LoRA r 4 · scale 2}). */
    static String typeOf(LoraModule l) {
        return String.format(Locale.ROOT, "LoRA r %d · scale %s", l.rank(), Formats.number(l.scale()));
    }

    /** A factor's name below its module: {@code lora_A.weight} of {@code base_model.model.<module>.lora_A.weight}. */
    static String partName(String key, String module) {
        int at = key.lastIndexOf(module + ".");
        return at < 0 ? key : key.substring(at + module.length() + 1);
    }
}
