package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ckptinspector.app.Aggregate;
import org.ckptinspector.app.DTypeTotals;
import org.ckptinspector.model.DType;

/** A module's parameters and bytes split by dtype, with each dtype's share of the bytes. */
public final class DTypeBreakdown {
    private DTypeBreakdown() {}

    /** One dtype's line. */
    public record Row(DType dtype, long tensors, long parameters, long bytes, double byteShare) {
        public String percent() {
            return String.format(Locale.ROOT, "%.1f %%", byteShare * 100);
        }
    }

    /** Rows largest first. */
    public static List<Row> of(Aggregate a) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<DType, DTypeTotals> e : a.byDType().entrySet()) {
            DTypeTotals t = e.getValue();
            rows.add(new Row(e.getKey(), t.tensors(), t.parameters(), t.bytes(),
                    a.bytes() == 0 ? 0 : (double) t.bytes() / a.bytes()));
        }
        rows.sort((x, y) -> Long.compare(y.bytes(), x.bytes()));
        return rows;
    }
}
