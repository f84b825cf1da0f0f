package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ckptinspector.adapter.AdapterSummary;
import org.ckptinspector.adapter.LoraConfig;
import org.ckptinspector.adapter.LoraModule;
import org.ckptinspector.model.Checkpoint;

/** A PEFT adapter as the detail pane lists it: its config, then each module's rank, alpha, scale and ‖ΔW‖_F. */
public final class AdapterFacts {
    private AdapterFacts() {}

    /** The facts of an adapter folder (reads every module's factors); empty for any other checkpoint. */
    public static List<Fact> of(Checkpoint c) {
        return AdapterSummary.of(c).map(AdapterFacts::of).orElse(List.of());
    }

    static List<Fact> of(AdapterSummary s) {
        LoraConfig c = s.adapter().config();
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("type", c.peftType() + ", " + s.modules().size() + " modules"));
        f.add(new Fact("r · lora_alpha", c.r() + " · " + Formats.number(c.loraAlpha())
                + (c.useRslora() ? "  (use_rslora: scale = alpha / √r)" : "  (scale = alpha / r)")));
        f.add(new Fact("target_modules", c.targetRegex() ? c.targetModules().get(0)
                : String.join(", ", c.targetModules())));
        if (!c.rankPattern().isEmpty() || !c.alphaPattern().isEmpty()) {
            f.add(new Fact("patterns", "rank " + c.rankPattern() + ", alpha " + c.alphaPattern()));
        }
        if (c.fanInFanOut()) {
            f.add(new Fact("fan_in_fan_out", "yes: ΔW = (B·A)ᵀ"));
        }
        String common = commonPrefix(s.modules().stream().map(AdapterSummary.Module::module).toList());
        for (AdapterSummary.Module m : s.modules()) {
            LoraModule l = m.lora();
            f.add(new Fact(label(l.module().substring(common.length())), String.format(Locale.ROOT, "rank %d · alpha %s · scale %s · ‖ΔW‖ %s%s",
                    l.rank(), Formats.number(l.alpha()), Formats.number(l.scale()),
                    m.deltaNorm() == null ? "unread (" + m.note() + ")" : Formats.number(m.deltaNorm()),
                    l.kind() == LoraModule.Kind.EMBEDDING ? " · embedding" : "")));
        }
        for (String k : s.adapter().replacements().keySet()) {
            f.add(new Fact("replaces", k + " (saved whole)"));
        }
        for (String p : s.adapter().problems()) {
            f.add(new Fact("not mergeable", p));
        }
        return f;
    }

    /** The dotted prefix all module names share ({@code model.}), which the labels leave out. */
    static String commonPrefix(List<String> names) {
        if (names.size() < 2) {
            return "";
        }
        String p = names.get(0);
        for (String n : names) {
            while (!n.startsWith(p)) {
                p = p.substring(0, p.length() - 1);
            }
        }
        return p.substring(0, p.lastIndexOf('.') + 1);
    }

    /**
     * A label short enough for the fact column: {@code layer 0 o_proj} for {@code layers.0.self_attn.o_proj}
     * (the block number and the layer's own name), the name itself when it is short.
     */
    static String label(String module) {
        String[] parts = module.split("\\.");
        if (module.length() <= 14 || parts.length < 2) {
            return module;
        }
        for (String p : parts) {
            if (p.matches("\\d+")) {
                return "layer " + p + " " + parts[parts.length - 1];
            }
        }
        return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }
}
