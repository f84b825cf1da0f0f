package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.ckptinspector.trajectory.Metric;
import org.ckptinspector.trajectory.ModuleTrajectory;
import org.ckptinspector.trajectory.RunStep;
import org.ckptinspector.trajectory.Series;
import org.ckptinspector.trajectory.TensorTrajectory;
import org.ckptinspector.trajectory.TrajectoryResult;

/** The {@code trajectory} report: the JSON document of the CLI contract, one CSV table, and the text for people. */
public final class TrajectoryReport {
    /** The CSV header: one row per tensor or module and step. */
    public static final String CSV_HEADER = "kind,name,step_index,step,file,norm,rel_prev,rel_first,cos_last,"
            + "changed_fraction,max_abs_diff,nonfinite,frozen";

    private TrajectoryReport() {}

    /** Writes the JSON document to {@code json}, as a stream. */
    public static void write(TrajectoryResult r, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("ordered_by", r.orderedBy());
        json.writeArrayFieldStart("steps");
        for (RunStep s : r.steps()) {
            json.writeStartObject();
            json.writeStringField("file", s.file().toString());
            json.writeFieldName("step");
            if (s.step() == null) {
                json.writeNull();
            } else {
                json.writeNumber(s.step());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("tensors");
        for (TensorTrajectory t : r.tensors()) {
            json.writeStartObject();
            json.writeStringField("key", t.key());
            json.writeStringField("dtype", t.dtype());
            json.writeArrayFieldStart("shape");
            for (long d : t.shape()) {
                json.writeNumber(d);
            }
            json.writeEndArray();
            json.writeBooleanField("frozen", t.frozen());
            JsonValues.writeInteger("first_nonfinite", t.firstNonfinite(), json);
            json.writeArrayFieldStart("absent");
            for (int i : t.absent()) {
                json.writeNumber(i);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("excluded");
            for (TensorTrajectory.Excluded e : t.excluded()) {
                json.writeStartObject();
                json.writeNumberField("step", e.step());
                json.writeStringField("reason", e.reason());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("nonfinite");
            for (long v : t.nonfinite()) {
                json.writeNumber(v);
            }
            json.writeEndArray();
            series(t.series(), json);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("modules");
        for (ModuleTrajectory m : r.modules()) {
            json.writeStartObject();
            json.writeStringField("module", m.module());
            json.writeNumberField("tensors", m.tensors());
            json.writeBooleanField("frozen", m.frozen());
            JsonValues.writeInteger("first_nonfinite", m.firstNonfinite(), json);
            series(m.series(), json);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void series(Series s, JsonGenerator json) throws IOException {
        for (Metric m : Metric.values()) {
            json.writeArrayFieldStart(m.id());
            for (Double v : s.get(m)) {
                if (v == null) {
                    json.writeNull();
                } else {
                    json.writeNumber(v);
                }
            }
            json.writeEndArray();
        }
    }

    /** Writes the CSV table (RFC 4180; empty cells where a figure does not exist), header first. */
    public static void csv(TrajectoryResult r, Appendable out) throws IOException {
        out.append(CSV_HEADER).append("\r\n");
        for (TensorTrajectory t : r.tensors()) {
            rows(out, r.steps(), "tensor", t.key(), t.series(), t.nonfinite(), t.frozen());
        }
        for (ModuleTrajectory m : r.modules()) {
            rows(out, r.steps(), "module", m.module(), m.series(), null, m.frozen());
        }
    }

    private static void rows(Appendable out, List<RunStep> steps, String kind, String name, Series s,
            List<Long> nonfinite, boolean frozen) throws IOException {
        for (int i = 0; i < steps.size(); i++) {
            RunStep step = steps.get(i);
            out.append(kind).append(',').append(cell(name)).append(',').append(Integer.toString(i)).append(',')
                    .append(step.step() == null ? "" : step.step().toString()).append(',')
                    .append(cell(step.file().toString()));
            for (Metric m : Metric.values()) {
                Double v = s.at(m, i);
                out.append(',').append(v == null ? "" : Double.toString(v));
            }
            out.append(',').append(nonfinite == null ? "" : nonfinite.get(i).toString());
            out.append(',').append(Boolean.toString(frozen)).append("\r\n");
        }
    }

    private static String cell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** The report for people: the steps, the frozen and non-finite tensors, and each module's relative change. */
    public static String toText(TrajectoryResult r) {
        StringBuilder out = new StringBuilder();
        out.append(r.steps().size()).append(" checkpoints, ordered by ").append(r.orderedBy()).append(":\n");
        for (int i = 0; i < r.steps().size(); i++) {
            RunStep s = r.steps().get(i);
            out.append(String.format(Locale.ROOT, "  %3d  %s%s%n", i, s.step() == null ? "" : "step " + s.step()
                    + "  ", s.file()));
        }
        List<String> frozen = r.tensors().stream().filter(TensorTrajectory::frozen).map(TensorTrajectory::key)
                .toList();
        JsonValues.textSection(out, "frozen (identical in every file)", frozen);
        JsonValues.textSection(out, "NaN/Inf", r.tensors().stream().filter(t -> t.firstNonfinite() != null)
                .map(t -> t.key() + "  first at step " + t.firstNonfinite()).toList());
        JsonValues.textSection(out, "in some files only", r.tensors().stream().filter(t -> !t.absent().isEmpty())
                .map(t -> t.key() + "  absent at steps " + t.absent()).toList());
        JsonValues.textSection(out, "left out", r.tensors().stream().flatMap(t -> t.excluded().stream()
                .map(e -> t.key() + "  step " + e.step() + ": " + e.reason())).toList());
        out.append("relative change to the previous step, per module (‖Δ‖/‖prev‖):\n");
        for (ModuleTrajectory m : r.modules()) {
            out.append("  ").append(m.module().isEmpty() ? "(top level)" : m.module()).append("  ")
                    .append(m.frozen() ? "frozen" : m.series().get(Metric.REL_PREV).stream()
                            .map(TrajectoryReport::num).collect(Collectors.joining(" ")))
                    .append('\n');
        }
        return out.toString();
    }

    private static String num(Double v) {
        if (v == null) {
            return "-";
        }
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
    }
}
