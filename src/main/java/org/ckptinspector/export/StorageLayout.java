package org.ckptinspector.export;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * The storage records of a .pth export (docs/checkpoint-formats.md §8 option b): one record per source storage that an
 * exported tensor views, holding only the element range {@code [lo, hi)} those tensors cover, with each tensor's offset
 * rebased by {@code -lo} and its strides kept. Tensors that shared a storage still share one, so tied weights stay
 * tied. Records are numbered in first-reference order, as torch numbers them while pickling.
 */
final class StorageLayout {

    /**
     * One output record: a source storage's element range, written in {@code dtype}. {@code lo} and {@code hi}
     * only change while {@link #of} lays the records out.
     */
    static final class Record {
        final String key;
        final Storage source;
        final DType sourceDtype;
        final DType dtype;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;

        Record(String key, Storage source, DType sourceDtype, DType dtype) {
            this.key = key;
            this.source = source;
            this.sourceDtype = sourceDtype;
            this.dtype = dtype;
        }

        long elements() {
            return Math.max(0, hi - lo);
        }

        long sourceByteOffset() {
            return Math.multiplyExact(Math.max(0, lo), (long) sourceDtype.itemSize());
        }

        long sourceBytes() {
            return Math.multiplyExact(elements(), (long) sourceDtype.itemSize());
        }

        long outputBytes() {
            return Math.multiplyExact(elements(), (long) dtype.itemSize());
        }
    }

    private final Map<Storage, List<Record>> byStorage = new IdentityHashMap<>();
    private final List<Record> records = new ArrayList<>();

    /** Lays out the storages of {@code items} and of their quantization parameters, in pickling order. */
    static StorageLayout of(List<ExportItem> items) {
        StorageLayout layout = new StorageLayout();
        for (ExportItem i : items) {
            layout.add(i.tensor(), i.dtype());
            if (i.tensor().quantization() instanceof Quantization.PerChannel pc) {
                layout.add(pc.scales(), pc.scales().dtype());
                layout.add(pc.zeroPoints(), pc.zeroPoints().dtype());
            }
        }
        for (Record r : layout.records) {
            if (r.lo > r.hi) {
                r.lo = 0;
                r.hi = 0;
            }
        }
        return layout;
    }

    private void add(TensorRef t, DType written) {
        Record r = recordFor(t, written);
        if (t.dtype().isPacked()) {
            // quint4x2/quint2x4 count values in the shape but bytes in the storage record: keep it whole.
            r.lo = 0;
            r.hi = Math.max(r.hi, t.storage().byteSize());
        } else if (t.numel() > 0) {
            r.lo = Math.min(r.lo, t.storageOffset());
            r.hi = Math.max(r.hi, t.requiredStorageElements());
        }
    }

    private Record recordFor(TensorRef t, DType written) {
        List<Record> forStorage = byStorage.computeIfAbsent(t.storage(), s -> new ArrayList<>());
        for (Record r : forStorage) {
            if (r.sourceDtype == t.dtype()) {
                return r;
            }
        }
        Record r = new Record(String.valueOf(records.size()), t.storage(), t.dtype(), written);
        forStorage.add(r);
        records.add(r);
        return r;
    }

    /** The record holding a laid-out tensor's storage. */
    Record record(TensorRef t) {
        for (Record r : byStorage.getOrDefault(t.storage(), List.of())) {
            if (r.sourceDtype == t.dtype()) {
                return r;
            }
        }
        throw new IllegalArgumentException("tensor " + t.key() + " was not laid out");
    }

    /** The tensor's storage offset within its record, in elements. */
    long rebasedOffset(TensorRef t) {
        if (t.numel() == 0 || t.dtype().isPacked()) {
            return t.numel() == 0 ? 0 : t.storageOffset();
        }
        return t.storageOffset() - record(t).lo;
    }

    List<Record> records() {
        return List.copyOf(records);
    }

    long outputBytes() {
        return records.stream().mapToLong(Record::outputBytes).sum();
    }
}
