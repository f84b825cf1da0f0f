package org.ckptinspector.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * unreadable tensor was not read).
 */
public final class StatsJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private StatsJson() {}

    public static ObjectNode toJson(Path file, StatsReport report) {
        ObjectNode root = F.objectNode();
        root.put("file", file.toString());
        ArrayNode tensors = root.putArray("tensors");
        for (TensorStats s : report.tensors()) {
            tensors.add(tensor(s));
        }
        ArrayNode health = root.putArray("health");
        for (HealthProblem p : report.health()) {
            ObjectNode o = health.addObject();
            o.put("key", p.key());
            o.put("problem", p.problem());
        }
        return root;
    }

    public static ObjectNode tensor(TensorStats s) {
        ObjectNode o = F.objectNode();
        o.put("key", s.key());
        o.put("dtype", s.dtype().torchName());
        o.put("count", s.count());
        number(o, "min", s.min());
        number(o, "max", s.max());
        number(o, "mean", s.mean());
        number(o, "std", s.std());
        number(o, "l2", s.l2());
        count(o, "nan", s, s.nan());
        count(o, "posinf", s, s.posInf());
        count(o, "neginf", s, s.negInf());
        count(o, "zeros", s, s.zeros());
        Histogram h = s.histogram();
        if (h == null) {
            o.putNull("histogram");
        } else {
            ObjectNode hist = o.putObject("histogram");
            numbers(hist.putArray("edges"), h.edges());
            counts(hist.putArray("counts"), h.counts());
        }
        Quantiles q = s.quantiles();
        if (q == null) {
            o.putNull("quantiles");
        } else {
            ObjectNode qs = o.putObject("quantiles");
            number(qs, "p1", q.p1());
            number(qs, "p50", q.p50());
            number(qs, "p99", q.p99());
            qs.put("exact", q.exact());
        }
        ValueCounts vc = s.valueCounts();
        if (vc != null && h != null && vc.size() <= h.bins()) {
            ObjectNode v = o.putObject("value_counts");
            numbers(v.putArray("values"), vc.values());
            counts(v.putArray("counts"), vc.counts());
        }
        if (!s.isRead()) {
            o.put("note", s.note());
        }
        return o;
    }

    private static void numbers(ArrayNode a, double[] values) {
        for (double x : values) {
            a.add(x);
        }
    }

    private static void counts(ArrayNode a, long[] counts) {
        for (long c : counts) {
            a.add(c);
        }
    }

    private static void number(ObjectNode o, String name, double v) {
        if (Double.isFinite(v)) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }

    private static void count(ObjectNode o, String name, TensorStats s, long v) {
        if (s.isRead()) {
            o.put(name, v);
        } else {
            o.putNull(name);
        }
    }
}
