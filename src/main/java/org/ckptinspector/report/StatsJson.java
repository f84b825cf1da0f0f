package org.ckptinspector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.file.Path;
import org.ckptinspector.stats.HealthProblem;
import org.ckptinspector.stats.Histogram;
import org.ckptinspector.stats.Quantiles;
import org.ckptinspector.stats.StatsReport;
import org.ckptinspector.stats.TensorStats;
import org.ckptinspector.stats.ValueCounts;

/**
 * The {@code stats --json} document of the CLI contract. Statistics that do not exist, and anything not finite,
 * are written as null. Beyond the contract's fields a tensor may carry {@code quantiles} (p1/p50/p99),
 * {@code value_counts} (integer tensors with at most as many distinct values as bins) and {@code note} (why an
 * unreadable tensor was not read). Written as a stream: as a tree, the document would take more heap than the
 * statistics themselves.
 */
public final class StatsJson {
    private StatsJson() {}

    /** Writes the document to {@code json}. */
    public static void write(Path file, StatsReport report, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("file", file.toString());
        json.writeArrayFieldStart("tensors");
        for (TensorStats s : report.tensors()) {
            tensor(s, json);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("health");
        for (HealthProblem p : report.health()) {
            json.writeStartObject();
            json.writeStringField("key", p.key());
            json.writeStringField("problem", p.problem());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void tensor(TensorStats s, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("key", s.key());
        json.writeStringField("dtype", s.dtype().torchName());
        json.writeNumberField("count", s.count());
        number("min", s.min(), json);
        number("max", s.max(), json);
        number("mean", s.mean(), json);
        number("std", s.std(), json);
        number("l2", s.l2(), json);
        count("nan", s, s.nan(), json);
        count("posinf", s, s.posInf(), json);
        count("neginf", s, s.negInf(), json);
        count("zeros", s, s.zeros(), json);
        Histogram h = s.histogram();
        json.writeFieldName("histogram");
        if (h == null) {
            json.writeNull();
        } else {
            json.writeStartObject();
            numbers("edges", h.edges(), json);
            counts("counts", h.counts(), json);
            json.writeEndObject();
        }
        Quantiles q = s.quantiles();
        json.writeFieldName("quantiles");
        if (q == null) {
            json.writeNull();
        } else {
            json.writeStartObject();
            number("p1", q.p1(), json);
            number("p50", q.p50(), json);
            number("p99", q.p99(), json);
            json.writeBooleanField("exact", q.exact());
            json.writeEndObject();
        }
        ValueCounts vc = s.valueCounts();
        if (vc != null && h != null && vc.size() <= h.bins()) {
            json.writeObjectFieldStart("value_counts");
            numbers("values", vc.values(), json);
            counts("counts", vc.counts(), json);
            json.writeEndObject();
        }
        if (!s.isRead()) {
            json.writeStringField("note", s.note());
        }
        json.writeEndObject();
    }

    private static void numbers(String field, double[] values, JsonGenerator json) throws IOException {
        json.writeFieldName(field);
        json.writeArray(values, 0, values.length);
    }

    private static void counts(String field, long[] counts, JsonGenerator json) throws IOException {
        json.writeFieldName(field);
        json.writeArray(counts, 0, counts.length);
    }

    private static void number(String field, double v, JsonGenerator json) throws IOException {
        json.writeFieldName(field);
        if (Double.isFinite(v)) {
            json.writeNumber(v);
        } else {
            json.writeNull();
        }
    }

    private static void count(String field, TensorStats s, long v, JsonGenerator json) throws IOException {
        json.writeFieldName(field);
        if (s.isRead()) {
            json.writeNumber(v);
        } else {
            json.writeNull();
        }
    }
}
