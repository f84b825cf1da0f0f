package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.app.Formats;
import org.ckptinspector.diff.ValueChange;
import org.ckptinspector.stats.TensorStats;

/** The statistics of a tensor (and of a change between two) as labelled lines. */
public final class StatisticsFacts {
    private StatisticsFacts() {}

    public static List<Fact> of(TensorStats s) {
        List<Fact> f = new ArrayList<>();
        if (!s.isRead()) {
            f.add(new Fact("not read", s.note()));
            return f;
        }
        f.add(new Fact("min", Formats.number(s.min())));
        f.add(new Fact("max", Formats.number(s.max())));
        f.add(new Fact("mean", Formats.number(s.mean())));
        f.add(new Fact("std", Formats.number(s.std())));
        f.add(new Fact("L2 norm", Formats.number(s.l2())));
        if (s.quantiles() != null) {
            f.add(new Fact("p1 / p50 / p99", Formats.number(s.quantiles().p1()) + "  /  "
                    + Formats.number(s.quantiles().p50()) + "  /  " + Formats.number(s.quantiles().p99())
                    + (s.quantiles().exact() ? "" : "  (approx.)")));
        }
        f.add(new Fact("values", Formats.count(s.count()) + (s.finite() == s.count() ? ", all finite"
                : ", " + Formats.count(s.finite()) + " finite")));
        f.add(new Fact("zeros", Formats.count(s.zeros()) + percent(s.zeros(), s.count())));
        if (s.nan() > 0 || s.posInf() > 0 || s.negInf() > 0) {
            f.add(new Fact("problem", s.nan() + " NaN, " + s.posInf() + " +Inf, " + s.negInf() + " −Inf"));
        }
        if (s.subnormals() > 0) {
            f.add(new Fact("subnormals", Formats.count(s.subnormals())));
        }
        return f;
    }

    /** How much B's values differ from A's. */
    public static List<Fact> of(ValueChange c) {
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("max |A − B|", number(c.maxAbsDiff())));
        f.add(new Fact("mean |A − B|", number(c.meanAbsDiff())));
        f.add(new Fact("relative L2", number(c.relL2())));
        f.add(new Fact("cosine", number(c.cosine())));
        if (c.nonfiniteMismatches() > 0) {
            f.add(new Fact("problem", Formats.count(c.nonfiniteMismatches())
                    + " positions are NaN/Inf on one side only"));
        }
        return f;
    }

    private static String number(Double d) {
        return d == null ? "—" : Formats.number(d);
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "" : String.format(java.util.Locale.ROOT, "  (%.1f %%)", 100.0 * part / whole);
    }
}
