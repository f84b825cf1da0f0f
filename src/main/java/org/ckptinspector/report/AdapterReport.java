package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ckptinspector.adapter.AdapterDiff;
import org.ckptinspector.adapter.AdapterMerge;
import org.ckptinspector.adapter.AdapterSummary;
import org.ckptinspector.adapter.LoraConfig;
import org.ckptinspector.adapter.LoraModule;

/**
 * The adapter parts of the reports: {@code "adapter"} of {@code inspect --json} and its text lines, and the
 * document of {@code diff BASE ADAPTER}.
 */
public final class AdapterReport {
    private AdapterReport() {}

    /** {@code "adapter": {"type", "r", "lora_alpha", "target_modules", …, "modules": [...]}}. */
    public static void write(AdapterSummary s, JsonGenerator json) throws IOException {
        LoraConfig c = s.adapter().config();
        json.writeObjectFieldStart("adapter");
        json.writeStringField("type", c.peftType());
        json.writeNumberField("r", c.r());
        json.writeNumberField("lora_alpha", c.loraAlpha());
        if (c.targetRegex()) {
            json.writeStringField("target_modules", c.targetModules().get(0));
        } else {
            JsonValues.writeStrings("target_modules", c.targetModules(), json);
        }
        json.writeObjectFieldStart("rank_pattern");
        for (var e : c.rankPattern().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeObjectFieldStart("alpha_pattern");
        for (var e : c.alphaPattern().entrySet()) {
            json.writeNumberField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeBooleanField("use_rslora", c.useRslora());
        json.writeBooleanField("fan_in_fan_out", c.fanInFanOut());
        json.writeBooleanField("lora_bias", c.loraBias());
        JsonValues.writeStrings("modules_to_save", c.modulesToSave(), json);
        json.writeArrayFieldStart("modules");
        for (AdapterSummary.Module m : s.modules()) {
            LoraModule l = m.lora();
            json.writeStartObject();
            json.writeStringField("module", l.module());
            json.writeStringField("kind", l.kind().name().toLowerCase(Locale.ROOT));
            json.writeNumberField("rank", l.rank());
            json.writeNumberField("alpha", l.alpha());
            json.writeNumberField("scale", l.scale());
            number("delta_norm", m.deltaNorm(), json);
            json.writeStringField("base_tensor", l.weightKey());
            json.writeBooleanField("transposed", l.transposed());
            json.writeEndObject();
        }
        json.writeEndArray();
        JsonValues.writeStrings("replaces", s.adapter().replacements().keySet(), json);
        JsonValues.writeStrings("problems", s.adapter().problems(), json);
        json.writeEndObject();
    }

    /** The text lines {@code inspect} prints for an adapter. */
    public static List<String> text(AdapterSummary s) {
        LoraConfig c = s.adapter().config();
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%s adapter: r %d, lora_alpha %s, target_modules %s%s%s%s, %d modules",
                c.peftType(), c.r(), num(c.loraAlpha()), c.targetRegex() ? c.targetModules().get(0)
                        : c.targetModules(), c.useRslora() ? ", use_rslora" : "",
                c.fanInFanOut() ? ", fan_in_fan_out" : "", c.rankPattern().isEmpty() && c.alphaPattern().isEmpty()
                        ? "" : ", rank_pattern " + c.rankPattern() + ", alpha_pattern " + c.alphaPattern(),
                s.modules().size()));
        int width = s.modules().stream().mapToInt(m -> m.module().length()).max().orElse(6);
        for (AdapterSummary.Module m : s.modules()) {
            LoraModule l = m.lora();
            out.add(String.format(Locale.ROOT, "  %-" + width + "s  rank %d  alpha %s  scale %s  ‖ΔW‖ %s%s", l.module(),
                    l.rank(), num(l.alpha()), num(l.scale()), m.deltaNorm() == null ? "-" : num(m.deltaNorm()),
                    m.note() == null ? "" : "  (" + m.note() + ")"));
        }
        for (String k : s.adapter().replacements().keySet()) {
            out.add("  replaces " + k + " (saved whole)");
        }
        for (String p : s.adapter().problems()) {
            out.add("  not mergeable: " + p);
        }
        return out;
    }

    /**
     * {@code {"base", "adapter", "changed": [{"key", "module", "kind", "rank", "scale", "delta_norm", "base_norm",
     * "relative", "max_abs_diff"}], "unchanged": [...], "problems": [...]}}.
     */
    public static void write(AdapterDiff d, JsonGenerator json) throws IOException {
        AdapterMerge m = d.merge();
        json.writeStartObject();
        json.writeStringField("base", m.base().file().toString());
        json.writeStringField("adapter", m.adapterFile().file().toString());
        json.writeStringField("type", m.adapter().config().peftType());
        json.writeArrayFieldStart("changed");
        for (AdapterDiff.TensorChange t : d.changed()) {
            change(t, json);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("unchanged");
        for (AdapterDiff.TensorChange t : d.tensors()) {
            if (!t.changed()) {
                change(t, json);
            }
        }
        json.writeEndArray();
        JsonValues.writeStrings("problems", m.problems(), json);
        json.writeEndObject();
    }

    private static void change(AdapterDiff.TensorChange t, JsonGenerator json) throws IOException {
        AdapterMerge.Change c = t.change();
        json.writeStartObject();
        json.writeStringField("key", c.key());
        json.writeStringField("module", c.lora() == null ? null : c.lora().module());
        json.writeStringField("kind", c.kind());
        if (c.lora() == null) {
            json.writeNullField("rank");
            json.writeNullField("scale");
        } else {
            json.writeNumberField("rank", c.lora().rank());
            json.writeNumberField("scale", c.lora().scale());
        }
        json.writeNumberField("delta_norm", t.deltaNorm());
        json.writeNumberField("base_norm", t.baseNorm());
        number("relative", t.relative(), json);
        json.writeNumberField("max_abs_diff", t.maxAbsDiff());
        json.writeEndObject();
    }

    /** The text report of {@code diff BASE ADAPTER}. */
    public static String toText(AdapterDiff d) {
        AdapterMerge m = d.merge();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s adapter %s on base %s: changes %d of %d base tensors\n",
                m.adapter().config().peftType(), m.adapterFile().file(), m.base().file(), d.changed().size(),
                m.base().tensors().size()));
        int width = d.tensors().stream().mapToInt(t -> t.change().key().length()).max().orElse(3);
        for (AdapterDiff.TensorChange t : d.changed()) {
            out.append("  ").append(line(t, width)).append('\n');
        }
        List<String> unchanged = d.tensors().stream().filter(t -> !t.changed()).map(t -> line(t, width)).toList();
        JsonValues.textSection(out, "touched but unchanged (ΔW rounds away or is zero)", unchanged);
        JsonValues.textSection(out, "problems", m.problems());
        return out.toString();
    }

    private static String line(AdapterDiff.TensorChange t, int width) {
        AdapterMerge.Change c = t.change();
        String how = c.lora() == null ? c.kind() : c.kind() + " rank " + c.lora().rank() + " scale "
                + num(c.lora().scale());
        return String.format(Locale.ROOT, "%-" + width + "s  %-24s  ‖ΔW‖ %s  ‖W‖ %s  relative %s  max|Δ| %s",
                c.key(), how, num(t.deltaNorm()), num(t.baseNorm()),
                t.relative() == null ? "-" : num(t.relative()), num(t.maxAbsDiff()));
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static void number(String field, Double v, JsonGenerator json) throws IOException {
        if (v == null || !Double.isFinite(v)) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, v);
        }
    }
}
