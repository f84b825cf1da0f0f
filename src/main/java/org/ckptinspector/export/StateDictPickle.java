package org.ckptinspector.export;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ckptinspector.export.pickle.Pickled;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.TensorRef;

/**
 * The {@code data.pkl} of a .pth export, as torch itself pickles a state_dict (docs/checkpoint-formats.md §3.6, §4.4):
 * an OrderedDict (GLOBAL + EMPTY_TUPLE + REDUCE + SETITEMS) of
 * {@code _rebuild_tensor_v2(pid, offset, size, stride, False, OrderedDict())}, with {@code _rebuild_tensor_v3} for
 * dtypes without a legacy storage class and {@code _rebuild_qtensor} for quantized tensors, then BUILD
 * {@code {'_metadata': …}} when the source had it.
 */
final class StateDictPickle {
    private static final Pickled.Global ORDERED_DICT = new Pickled.Global("collections", "OrderedDict");
    private static final Pickled.Global REBUILD_V2 = new Pickled.Global("torch._utils", "_rebuild_tensor_v2");
    private static final Pickled.Global REBUILD_V3 = new Pickled.Global("torch._utils", "_rebuild_tensor_v3");
    private static final Pickled.Global REBUILD_Q = new Pickled.Global("torch._utils", "_rebuild_qtensor");
    private static final Pickled.Global UNTYPED = new Pickled.Global("torch.storage", "UntypedStorage");

    private final StorageLayout layout;

    private StateDictPickle(StorageLayout layout) {
        this.layout = layout;
    }

    static Pickled of(List<ExportItem> items, Map<String, PyValue> moduleMetadata, StorageLayout layout) {
        StateDictPickle p = new StateDictPickle(layout);
        List<Map.Entry<Pickled, Pickled>> entries = new ArrayList<>();
        for (ExportItem i : items) {
            entries.add(entry(new Pickled.Str(i.outputKey()), p.tensor(i.tensor(), i.dtype())));
        }
        Pickled state = null;
        if (!moduleMetadata.isEmpty()) {
            List<Map.Entry<Pickled, Pickled>> modules = new ArrayList<>();
            moduleMetadata.forEach((name, value) -> modules.add(entry(new Pickled.Str(name), value(value))));
            state = new Pickled.Dict(List.of(entry(new Pickled.Str("_metadata"), orderedDict(modules, null))));
        }
        return orderedDict(entries, state);
    }

    private Pickled tensor(TensorRef t, DType written) {
        Pickled.Tuple size = longs(t.shape());
        Pickled.Tuple stride = longs(t.stride());
        Pickled.Int offset = new Pickled.Int(layout.rebasedOffset(t));
        Pickled pid = persistentId(t, written);
        Pickled hooks = orderedDict(List.of(), null);
        if (t.quantization() != null && t.dtype().kind() == DType.Kind.QUANTIZED) {
            return Pickled.Reduce.call(REBUILD_Q, pid, offset, size, stride, quantizerParams(t.quantization()),
                    new Pickled.Bool(false), hooks);
        }
        List<Pickled> args = new ArrayList<>(List.of(pid, offset, size, stride, new Pickled.Bool(false), hooks));
        if (written.needsUntypedStorage()) {
            args.add(dtype(written));
        }
        List<Map.Entry<Pickled, Pickled>> bits = new ArrayList<>();
        if (t.has(TensorRef.Flag.CONJ)) {
            bits.add(entry(new Pickled.Str("conj"), new Pickled.Bool(true)));
        }
        if (t.has(TensorRef.Flag.NEG)) {
            bits.add(entry(new Pickled.Str("neg"), new Pickled.Bool(true)));
        }
        if (!bits.isEmpty()) {
            args.add(new Pickled.Dict(bits));
        }
        return new Pickled.Reduce(written.needsUntypedStorage() ? REBUILD_V3 : REBUILD_V2,
                new Pickled.Tuple(args), List.of(), null);
    }

    /** {@code ('storage', storage_type, key, 'cpu', numel)}; numel counts bytes for UntypedStorage. */
    private Pickled persistentId(TensorRef t, DType written) {
        StorageLayout.Record r = layout.record(t);
        Pickled type;
        long numel;
        if (written.needsUntypedStorage()) {
            type = UNTYPED;
            numel = r.outputBytes();
        } else {
            type = new Pickled.Global("torch", written.legacyStorageClass().orElseThrow());
            numel = r.elements();
        }
        return new Pickled.PersistentId(Pickled.Tuple.of(new Pickled.Str("storage"), type, new Pickled.Str(r.key),
                new Pickled.Str("cpu"), new Pickled.Int(numel)));
    }

    private Pickled quantizerParams(Quantization q) {
        if (q instanceof Quantization.PerTensor pt) {
            return Pickled.Tuple.of(qscheme(pt.qscheme()), new Pickled.Float(pt.scale()),
                    new Pickled.Int(pt.zeroPoint()));
        }
        Quantization.PerChannel pc = (Quantization.PerChannel) q;
        return Pickled.Tuple.of(qscheme(pc.qscheme()), tensor(pc.scales(), pc.scales().dtype()),
                tensor(pc.zeroPoints(), pc.zeroPoints().dtype()), new Pickled.Int(pc.axis()));
    }

    private static Pickled qscheme(String name) {
        return new Pickled.Global("torch", name.startsWith("torch.") ? name.substring(6) : name);
    }

    private static Pickled dtype(DType d) {
        return new Pickled.Global("torch", d.torchName());
    }

    private static Pickled.Tuple longs(long[] values) {
        List<Pickled> items = new ArrayList<>(values.length);
        for (long v : values) {
            items.add(new Pickled.Int(v));
        }
        return new Pickled.Tuple(items);
    }

    private static Pickled orderedDict(List<Map.Entry<Pickled, Pickled>> entries, Pickled state) {
        return new Pickled.Reduce(ORDERED_DICT, Pickled.Tuple.of(), entries, state);
    }

    /** A metadata value already checked by {@link ModuleMetadata#isWeightsOnlySafe}. */
    private static Pickled value(PyValue v) {
        if (v instanceof PyValue.Str s) {
            return new Pickled.Str(s.value());
        }
        if (v instanceof PyValue.Int i) {
            return new Pickled.Int(i.longValue());
        }
        if (v instanceof PyValue.Bool b) {
            return new Pickled.Bool(b.value());
        }
        if (v instanceof PyValue.Tuple t) {
            return new Pickled.Tuple(t.items().stream().map(StateDictPickle::value).toList());
        }
        if (v instanceof PyValue.PyList l) {
            return new Pickled.PyList(l.items().stream().map(StateDictPickle::value).toList());
        }
        if (v instanceof PyValue.Dict d) {
            List<Map.Entry<Pickled, Pickled>> entries = new ArrayList<>();
            d.entries().forEach((k, x) -> entries.add(entry(value(k), value(x))));
            return d.className().equals("dict") ? new Pickled.Dict(entries) : orderedDict(entries, null);
        }
        return Pickled.None.NONE;
    }

    private static Map.Entry<Pickled, Pickled> entry(Pickled k, Pickled v) {
        return new AbstractMap.SimpleImmutableEntry<>(k, v);
    }
}
