package org.ckptinspector.app;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.ckptinspector.app.Formats;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/** The properties of a tensor as the detail pane lists them. */
public final class TensorFacts {
    private TensorFacts() {}

    /** @param sharing the other tensors viewing the same storage */
    public static List<Fact> of(TensorRef t, List<TensorRef> sharing) {
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("dtype", t.dtype().torchName()));
        f.add(new Fact("shape", Formats.shape(t.shape())));
        f.add(new Fact("stride", Formats.shape(t.stride())));
        f.add(new Fact("storage offset", Long.toString(t.storageOffset())));
        f.add(new Fact("elements", Formats.count(t.numel())));
        f.add(new Fact("bytes", Formats.bytes(t.nbytes()) + "  (" + Formats.count(t.nbytes()) + ")"));
        f.add(new Fact("layout", t.layout().id() + (t.isContiguous() ? ", contiguous" : ", non-contiguous view")));
        Storage s = t.storage();
        if (s != null) {
            String where = s.location() == null || s.location().isEmpty() ? "" : " on " + s.location();
            f.add(new Fact("storage", (s.shareable() ? "\"" + s.key() + "\"  " : "") + s.dtype().torchName() + ", "
                    + Formats.bytes(s.byteSize()) + where));
        } else {
            f.add(new Fact("storage", "none (no data in the file)"));
        }
        if (!sharing.isEmpty()) {
            f.add(new Fact("shares storage with",
                    sharing.stream().map(TensorRef::key).collect(Collectors.joining(", "))));
        }
        if (!t.flags().isEmpty()) {
            f.add(new Fact("flags", t.flags().stream().map(x -> x.name().toLowerCase(java.util.Locale.ROOT))
                    .sorted().collect(Collectors.joining(", "))));
        }
        if (t.pythonType() != null) {
            f.add(new Fact("python type", t.pythonType()));
        }
        t.quantizationRef().ifPresent(q -> f.add(new Fact("quantization", describe(q))));
        if (!t.components().isEmpty()) {
            f.add(new Fact("components", t.components().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().dtype().torchName() + " "
                            + Formats.shape(e.getValue().shape()))
                    .collect(Collectors.joining("; "))));
        }
        f.add(new Fact("path", t.path().isEmpty() ? "(top level)" : t.path().stream().map(String::valueOf)
                .collect(Collectors.joining(" › "))));
        for (String p : t.problems()) {
            f.add(new Fact("problem", p));
        }
        return f;
    }

    private static String describe(Quantization q) {
        if (q instanceof Quantization.PerTensor p) {
            return p.qscheme() + ", scale " + Formats.number(p.scale()) + ", zero point " + p.zeroPoint();
        }
        if (q instanceof Quantization.PerChannel p) {
            return p.qscheme() + " along axis " + p.axis() + ", " + Arrays.toString(p.scales().shape())
                    + " scales";
        }
        if (q instanceof Quantization.Scaled s) {
            return s.layout().id() + " scale " + s.scale().key() + " (" + s.blockRows() + "×" + s.blockCols()
                    + " per scale); values dequantized";
        }
        return q.toString();
    }
}
