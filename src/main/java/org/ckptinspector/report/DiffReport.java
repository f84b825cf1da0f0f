package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.diff.LoadStateDictReport;
import org.ckptinspector.diff.ModuleUpdate;
import org.ckptinspector.diff.ValueChange;
import org.ckptinspector.diff.ValueDiff;
import org.ckptinspector.training.CheckpointValues;

/** The {@code diff} report: the JSON document of the CLI contract, and the text for people. */
public final class DiffReport {
    private DiffReport() {}

    /** Writes the JSON document to {@code json}, as a stream (see {@link InspectReport}). */
    public static void write(DiffResult r, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("a", r.a().toString());
        json.writeStringField("b", r.b().toString());
        json.writeStringField("alignment", r.alignment());
        JsonValues.writeStrings("only_in_a", r.onlyInA(), json);
        JsonValues.writeStrings("only_in_b", r.onlyInB(), json);
        json.writeArrayFieldStart("shape_mismatch");
        for (DiffResult.ShapeMismatch s : r.shapeMismatch()) {
            json.writeStartObject();
            json.writeStringField("key", s.key());
            longs("shape_a", s.shapeA(), json);
            longs("shape_b", s.shapeB(), json);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("dtype_mismatch");
        for (DiffResult.DtypeMismatch d : r.dtypeMismatch()) {
            json.writeStartObject();
            json.writeStringField("key", d.key());
            json.writeStringField("dtype_a", d.dtypeA().torchName());
            json.writeStringField("dtype_b", d.dtypeB().torchName());
            json.writeEndObject();
        }
        json.writeEndArray();
        JsonValues.writeStrings("identical", r.identical(), json);
        json.writeArrayFieldStart("changed");
        for (ValueChange c : r.changed()) {
            json.writeStartObject();
            json.writeStringField("key", c.key());
            number("max_abs_diff", c.maxAbsDiff(), json);
            number("mean_abs_diff", c.meanAbsDiff(), json);
            number("rel_l2", c.relL2(), json);
            number("cosine", c.cosine(), json);
            json.writeNumberField("finite_pairs", c.finitePairs());
            json.writeNumberField("nonfinite_mismatches", c.nonfiniteMismatches());
            json.writeNumberField("changed_fraction", c.changedFraction());
            JsonValues.writeInteger("delta_rank", c.update().deltaRank(), json);
            json.writeStringField("delta_rank_reason", c.update().deltaRankReason());
            json.writeStringField("update_kind", c.update().label());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("module_updates");
        for (ModuleUpdate m : r.moduleUpdates()) {
            json.writeStartObject();
            json.writeStringField("module", m.module());
            json.writeStringField("update_kind", m.label());
            JsonValues.writeInteger("delta_rank", m.deltaRank(), json);
            json.writeNumberField("changed_fraction", m.changedFraction());
            json.writeNumberField("tensors_changed", m.tensorsChanged());
            json.writeNumberField("tensors_identical", m.tensorsIdentical());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("not_compared");
        for (DiffResult.NotCompared n : r.notCompared()) {
            json.writeStartObject();
            json.writeStringField("key", n.key());
            json.writeStringField("reason", n.reason());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("values_changed");
        for (ValueDiff.Changed c : r.values().changed()) {
            json.writeStartObject();
            json.writeStringField("path", c.path());
            json.writeFieldName("a");
            JsonValues.write(c.a(), json);
            json.writeFieldName("b");
            JsonValues.write(c.b(), json);
            json.writeEndObject();
        }
        json.writeEndArray();
        JsonValues.writeStrings("values_only_in_a", r.values().onlyInA(), json);
        JsonValues.writeStrings("values_only_in_b", r.values().onlyInB(), json);
        LoadStateDictReport l = r.loadStateDict();
        json.writeObjectFieldStart("load_state_dict");
        JsonValues.writeStrings("missing_keys", l.missingKeys(), json);
        JsonValues.writeStrings("unexpected_keys", l.unexpectedKeys(), json);
        json.writeArrayFieldStart("size_mismatch");
        for (LoadStateDictReport.SizeMismatch m : l.sizeMismatch()) {
            json.writeStartObject();
            json.writeStringField("key", m.key());
            longs("checkpoint_shape", m.checkpointShape(), json);
            longs("model_shape", m.modelShape(), json);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeBooleanField("strict_ok", l.strictOk());
        json.writeBooleanField("non_strict_ok", l.nonStrictOk());
        json.writeStringField("strict_error", l.errorMessage(r.modelClass(), true));
        json.writeStringField("non_strict_error", l.errorMessage(r.modelClass(), false));
        JsonValues.writeStrings("notes", l.notes(), json);
        json.writeEndObject();
        json.writeEndObject();
    }

    /** The report for people; torch's error text appears verbatim. */
    public static String toText(DiffResult r) {
        StringBuilder out = new StringBuilder();
        out.append("A: ").append(r.a()).append('\n');
        out.append("B: ").append(r.b()).append('\n');
        if (r.alignment() != null) {
            out.append("alignment: ").append(r.alignment()).append(" (keys below are B's names)\n");
        }
        JsonValues.textSection(out, "only in A", r.onlyInA());
        JsonValues.textSection(out, "only in B", r.onlyInB());
        JsonValues.textSection(out, "shape mismatch", r.shapeMismatch().stream()
                .map(s -> s.key() + "  " + s.shapeA() + " vs " + s.shapeB()).toList());
        JsonValues.textSection(out, "dtype mismatch", r.dtypeMismatch().stream()
                .map(d -> d.key() + "  " + d.dtypeA() + " vs " + d.dtypeB()).toList());
        JsonValues.textSection(out, "changed", r.changed().stream().map(DiffReport::changeLine).toList());
        JsonValues.textSection(out, "updates per module", r.moduleUpdates().stream()
                .filter(m -> m.tensorsChanged() > 0)
                .map(m -> (m.module().isEmpty() ? "(top level)" : m.module()) + "  " + m.label() + "  "
                        + percent(m.changedFraction()) + " of its values changed").toList());
        JsonValues.textSection(out, "not compared", r.notCompared().stream()
                .map(n -> n.key() + "  " + n.reason()).toList());
        out.append("identical: ").append(r.identical().size()).append(" tensors\n");
        JsonValues.textSection(out, "values changed", r.values().changed().stream().map(c -> c.path() + "  "
                + CheckpointValues.text(c.a()) + " -> " + CheckpointValues.text(c.b())).toList());
        JsonValues.textSection(out, "values only in A", r.values().onlyInA());
        JsonValues.textSection(out, "values only in B", r.values().onlyInB());
        out.append('\n');
        LoadStateDictReport l = r.loadStateDict();
        out.append("load_state_dict (A as the checkpoint, B as the model's state_dict):\n");
        for (boolean strict : new boolean[] {true, false}) {
            String error = l.errorMessage(r.modelClass(), strict);
            out.append("strict=").append(strict ? "True" : "False").append(": ")
                    .append(error == null ? "loads" : "raises").append('\n');
            if (error != null) {
                out.append("RuntimeError: ").append(error).append('\n');
            }
        }
        l.notes().forEach(n -> out.append("note: ").append(n).append('\n'));
        out.append('\n').append(r.isIdentical() ? "identical" : "the checkpoints differ").append('\n');
        return out.toString();
    }

    private static String changeLine(ValueChange c) {
        return c.key() + "  max|Δ| " + num(c.maxAbsDiff()) + "  mean|Δ| " + num(c.meanAbsDiff()) + "  rel L2 "
                + num(c.relL2()) + "  cosine " + num(c.cosine())
                + (c.nonfiniteMismatches() > 0 ? "  NaN/Inf differ at " + c.nonfiniteMismatches() + " positions"
                        : "")
                + "  changed " + percent(c.changedFraction()) + "  → " + c.update().label();
    }

    private static String percent(double fraction) {
        return fraction == 0 || fraction == 1 ? (int) (fraction * 100) + "%"
                : String.format(Locale.ROOT, "%.3g%%", fraction * 100);
    }

    private static String num(Double v) {
        if (v == null) {
            return "-";
        }
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.6g", v);
    }


    private static void longs(String field, List<Long> values, JsonGenerator json) throws IOException {
        json.writeArrayFieldStart(field);
        for (long v : values) {
            json.writeNumber(v);
        }
        json.writeEndArray();
    }

    private static void number(String field, Double v, JsonGenerator json) throws IOException {
        json.writeFieldName(field);
        if (v == null) {
            json.writeNull();
        } else {
            json.writeNumber(v);
        }
    }
}
