package org.ckptinspector.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.diff.LoadStateDictReport;
import org.ckptinspector.diff.ValueChange;

/** The {@code diff} report: the JSON document of the CLI contract, and the text for people. */
public final class DiffReport {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private DiffReport() {}

    public static ObjectNode toJson(DiffResult r) {
        ObjectNode root = F.objectNode();
        root.put("a", r.a().toString());
        root.put("b", r.b().toString());
        root.put("alignment", r.alignment());
        strings(root.putArray("only_in_a"), r.onlyInA());
        strings(root.putArray("only_in_b"), r.onlyInB());
        ArrayNode shapes = root.putArray("shape_mismatch");
        for (DiffResult.ShapeMismatch s : r.shapeMismatch()) {
            ObjectNode o = shapes.addObject().put("key", s.key());
            longs(o.putArray("shape_a"), s.shapeA());
            longs(o.putArray("shape_b"), s.shapeB());
        }
        ArrayNode dtypes = root.putArray("dtype_mismatch");
        for (DiffResult.DtypeMismatch d : r.dtypeMismatch()) {
            dtypes.addObject().put("key", d.key()).put("dtype_a", d.dtypeA().torchName())
                    .put("dtype_b", d.dtypeB().torchName());
        }
        strings(root.putArray("identical"), r.identical());
        ArrayNode changed = root.putArray("changed");
        for (ValueChange c : r.changed()) {
            changed.addObject().put("key", c.key()).put("max_abs_diff", c.maxAbsDiff())
                    .put("mean_abs_diff", c.meanAbsDiff()).put("rel_l2", c.relL2()).put("cosine", c.cosine())
                    .put("finite_pairs", c.finitePairs()).put("nonfinite_mismatches", c.nonfiniteMismatches());
        }
        ArrayNode notCompared = root.putArray("not_compared");
        for (DiffResult.NotCompared n : r.notCompared()) {
            notCompared.addObject().put("key", n.key()).put("reason", n.reason());
        }
        LoadStateDictReport l = r.loadStateDict();
        ObjectNode load = root.putObject("load_state_dict");
        strings(load.putArray("missing_keys"), l.missingKeys());
        strings(load.putArray("unexpected_keys"), l.unexpectedKeys());
        ArrayNode sizes = load.putArray("size_mismatch");
        for (LoadStateDictReport.SizeMismatch m : l.sizeMismatch()) {
            ObjectNode o = sizes.addObject().put("key", m.key());
            longs(o.putArray("checkpoint_shape"), m.checkpointShape());
            longs(o.putArray("model_shape"), m.modelShape());
        }
        load.put("strict_ok", l.strictOk());
        load.put("non_strict_ok", l.nonStrictOk());
        load.put("strict_error", l.errorMessage(r.modelClass(), true));
        load.put("non_strict_error", l.errorMessage(r.modelClass(), false));
        return root;
    }

    /** The report for people; torch's error text appears verbatim. */
    public static String toText(DiffResult r) {
        StringBuilder out = new StringBuilder();
        out.append("A: ").append(r.a()).append('\n');
        out.append("B: ").append(r.b()).append('\n');
        if (r.alignment() != null) {
            out.append("alignment: ").append(r.alignment()).append(" (keys below are B's names)\n");
        }
        section(out, "only in A", r.onlyInA());
        section(out, "only in B", r.onlyInB());
        section(out, "shape mismatch", r.shapeMismatch().stream()
                .map(s -> s.key() + "  " + s.shapeA() + " vs " + s.shapeB()).toList());
        section(out, "dtype mismatch", r.dtypeMismatch().stream()
                .map(d -> d.key() + "  " + d.dtypeA() + " vs " + d.dtypeB()).toList());
        section(out, "changed", r.changed().stream().map(DiffReport::changeLine).toList());
        section(out, "not compared", r.notCompared().stream().map(n -> n.key() + "  " + n.reason()).toList());
        out.append("identical: ").append(r.identical().size()).append(" tensors\n\n");
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
        out.append('\n').append(r.isIdentical() ? "identical" : "the checkpoints differ").append('\n');
        return out.toString();
    }

    private static String changeLine(ValueChange c) {
        return c.key() + "  max|Δ| " + num(c.maxAbsDiff()) + "  mean|Δ| " + num(c.meanAbsDiff()) + "  rel L2 "
                + num(c.relL2()) + "  cosine " + num(c.cosine())
                + (c.nonfiniteMismatches() > 0 ? "  NaN/Inf differ at " + c.nonfiniteMismatches() + " positions"
                        : "");
    }

    private static String num(Double v) {
        if (v == null) {
            return "-";
        }
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static void section(StringBuilder out, String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        out.append(title).append(" (").append(lines.size()).append("):\n");
        lines.forEach(l -> out.append("  ").append(l).append('\n'));
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static void longs(ArrayNode a, List<Long> values) {
        values.forEach(a::add);
    }
}
