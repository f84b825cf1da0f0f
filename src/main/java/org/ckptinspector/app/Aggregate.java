package org.ckptinspector.app;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;

/**
 * Totals over the tensors below a node: count, model parameters (elements of the tensors that are the model's
 * parameters) and bytes, overall and per dtype.
 */
public final class Aggregate {
    /** No tensors; never changed. */
    static final Aggregate EMPTY = new Aggregate();

    private final EnumMap<DType, DTypeTotals> byDType = new EnumMap<>(DType.class);
    private DTypeTotals total = DTypeTotals.ZERO;

    /** Totals of a single tensor; its elements count as parameters when it is one of the model's parameters. */
    public static Aggregate of(TensorRef t, boolean parameter) {
        Aggregate a = new Aggregate();
        a.add(t.dtype(), new DTypeTotals(1, parameter ? t.numel() : 0, t.nbytes()));
        return a;
    }

    void addAll(Aggregate other) {
        other.byDType.forEach(this::add);
    }

    private void add(DType d, DTypeTotals t) {
        byDType.merge(d, t, DTypeTotals::plus);
        total = total.plus(t);
    }

    public long tensors() {
        return total.tensors();
    }

    public long parameters() {
        return total.parameters();
    }

    public long bytes() {
        return total.bytes();
    }

    /** Per-dtype totals in dtype order. */
    public Map<DType, DTypeTotals> byDType() {
        return Collections.unmodifiableMap(byDType);
    }
}
