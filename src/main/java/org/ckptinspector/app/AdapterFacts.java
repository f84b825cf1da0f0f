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
        for (AdapterSummary.Module m : s.modules()) {
            LoraModule l = m.lora();
            f.add(new Fact(l.module(), String.format(Locale.ROOT, "rank %d · alpha %s · scale %s · ‖ΔW‖ %s%s",
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
}
