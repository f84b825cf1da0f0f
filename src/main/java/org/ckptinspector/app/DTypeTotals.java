package org.ckptinspector.app;

/** How many tensors, elements and bytes of one dtype a module holds. */
public record DTypeTotals(long tensors, long parameters, long bytes) {
    static final DTypeTotals ZERO = new DTypeTotals(0, 0, 0);

    DTypeTotals plus(DTypeTotals o) {
        return new DTypeTotals(tensors + o.tensors, saturatedAdd(parameters, o.parameters),
                saturatedAdd(bytes, o.bytes));
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
