package org.ckptinspector.diff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.TensorBytes;
import org.ckptinspector.values.TensorHash;
import org.ckptinspector.values.ValueReader;
import org.ckptinspector.values.ValueView;

/**
 * One key that both checkpoints hold with the same shape, and the work of comparing it: first its raw bytes
 * (same dtype only), block by block until the first difference, then, if they differ or the dtypes do, its
 * values. Units of work cover element ranges so that one large tensor keeps every thread busy.
 */
final class PairComparison {
    /** Bytes of one side per unit of the byte comparison. */
    private static final long BYTE_UNIT = 64L << 20;
    /** Bytes of one side compared at once (the larger, the fewer calls; mapped slices are not copied). */
    private static final int BYTE_BLOCK = 8 << 20;
    /** Values per unit of the value comparison. */
    private static final long VALUE_UNIT = 1L << 22;

    private final String key;
    private final Side a;
    private final Side b;
    private final AtomicBoolean bytesDiffer = new AtomicBoolean();
    private ValueReader[] readers;
    private DeltaAccumulator[] partials;

    PairComparison(String key, Side a, Side b) {
        this.key = key;
        this.a = a;
        this.b = b;
    }

    String key() {
        return key;
    }

    boolean sameDtype() {
        return a.tensor().dtype() == b.tensor().dtype();
    }

    /**
     * Marks the pair as different without reading its bytes when the dtypes differ or what is kept beside the
     * bytes differs: the conjugate/negative bits, the quantization parameters.
     */
    void checkMetadata() throws CheckpointException {
        TensorRef ta = a.tensor();
        TensorRef tb = b.tensor();
        if (!sameDtype() || ta.has(TensorRef.Flag.CONJ) != tb.has(TensorRef.Flag.CONJ)
                || ta.has(TensorRef.Flag.NEG) != tb.has(TensorRef.Flag.NEG)
                || !sameQuantization(ta.quantization(), tb.quantization())) {
            bytesDiffer.set(true);
        }
    }

    private boolean sameQuantization(Quantization qa, Quantization qb) throws CheckpointException {
        if (qa instanceof Quantization.PerChannel ca && qb instanceof Quantization.PerChannel cb) {
            return ca.axis() == cb.axis() && ca.qscheme().equals(cb.qscheme())
                    && sameHash(ca.scales(), cb.scales()) && sameHash(ca.zeroPoints(), cb.zeroPoints());
        }
        return Objects.equals(qa, qb);
    }

    private boolean sameHash(TensorRef x, TensorRef y) throws CheckpointException {
        return x.dtype() == y.dtype()
                && new Side(a.file(), x).reading(() -> TensorHash.sha256(x))
                        .equals(new Side(b.file(), y).reading(() -> TensorHash.sha256(y)));
    }

    /** Bytes of both sides, for progress. */
    long byteWork() {
        return bytesDiffer.get() ? 0 : 2 * raw(a.tensor()).nbytes();
    }

    /** The byte comparison in units; none when the pair already differs. */
    List<ParallelWork.Unit> byteUnits(ParallelWork.Progress progress) {
        List<ParallelWork.Unit> units = new ArrayList<>();
        if (bytesDiffer.get()) {
            return units;
        }
        TensorRef ra = raw(a.tensor());
        TensorRef rb = raw(b.tensor());
        int item = ra.dtype().itemSize();
        long total = ra.numel();
        long perUnit = Math.max(1, BYTE_UNIT / item);
        for (long first = 0; first < total; first += perUnit) {
            long start = first;
            long count = Math.min(perUnit, total - first);
            units.add(scratch -> compareBytes(ra, rb, start, count, scratch, progress));
        }
        return units;
    }

    private void compareBytes(TensorRef ra, TensorRef rb, long first, long count, ParallelWork.Scratch scratch,
            ParallelWork.Progress progress) throws IOException {
        int item = ra.dtype().itemSize();
        int perBlock = Math.max(1, BYTE_BLOCK / item);
        long done = 0;
        while (done < count && !bytesDiffer.get()) {
            int n = (int) Math.min(perBlock, count - done);
            long at = first + done;
            boolean equal = a.reading(() -> block(ra, at, n, scratch, true,
                    bufA -> b.reading(() -> block(rb, at, n, scratch, false, bufB -> bufA.mismatch(bufB) < 0))));
            if (!equal) {
                bytesDiffer.set(true);
            }
            done += n;
            progress.add(2L * n * item);
        }
    }

    /** Hands elements [first, first + n) of t to {@code use} as one buffer: a mapped slice, or a gathered copy. */
    private static <T> T block(TensorRef t, long first, int n, ParallelWork.Scratch scratch, boolean sideA,
            BlockUse<T> use) throws IOException {
        int bytes = n * t.dtype().itemSize();
        List<T> result = new ArrayList<>(1);
        ByteBuffer[] gathered = {null};
        TensorBytes.stream(t, first, n, bytes, chunk -> {
            if (gathered[0] == null && chunk.remaining() == bytes) {
                result.add(use.apply(chunk));
                return;
            }
            if (gathered[0] == null) {
                gathered[0] = scratch.spare(sideA, bytes);
            }
            gathered[0].put(chunk);
        });
        if (gathered[0] != null) {
            result.add(use.apply(gathered[0].flip()));
        }
        return result.get(0);
    }

    /** What is done with one block while its buffer is valid. */
    @FunctionalInterface
    private interface BlockUse<T> {
        T apply(ByteBuffer block) throws IOException;
    }

    boolean bytesDiffer() {
        return bytesDiffer.get();
    }

    /**
     * Opens value readers on both sides; returns why the values cannot be compared element by element (a dtype
     * that packs two values per element against one that does not), or null.
     */
    String openValues() throws CheckpointException {
        boolean complex = a.tensor().dtype().kind() == DType.Kind.COMPLEX
                || b.tensor().dtype().kind() == DType.Kind.COMPLEX;
        ValueView[] views = complex ? new ValueView[] {ValueView.REAL, ValueView.IMAG}
                : new ValueView[] {ValueView.VALUE};
        readers = new ValueReader[2 * views.length];
        for (int i = 0; i < views.length; i++) {
            ValueView v = views[i];
            readers[i] = a.reading(() -> ValueReader.of(a.tensor(), v));
            readers[views.length + i] = b.reading(() -> ValueReader.of(b.tensor(), v));
        }
        if (readers[0].size() != readers[views.length].size()) {
            readers = null;
            return "A's " + a.tensor().dtype() + " holds " + readerSize(a) + " values and B's "
                    + b.tensor().dtype() + " holds " + readerSize(b);
        }
        return null;
    }

    private static long readerSize(Side s) throws CheckpointException {
        return s.reading(() -> ValueReader.of(s.tensor()).size());
    }

    long valueWork() {
        return readers == null ? 0 : readers[0].size() * (a.tensor().dtype().itemSize()
                + (long) b.tensor().dtype().itemSize());
    }

    /** The value comparison in units; each fills its own partial sums, merged in order by {@link #result()}. */
    List<ParallelWork.Unit> valueUnits(ParallelWork.Progress progress) {
        long total = readers[0].size();
        int count = (int) ((total + VALUE_UNIT - 1) / VALUE_UNIT);
        partials = new DeltaAccumulator[Math.max(1, count)];
        partials[0] = new DeltaAccumulator();
        List<ParallelWork.Unit> units = new ArrayList<>();
        for (int u = 0; u < count; u++) {
            int index = u;
            long first = u * VALUE_UNIT;
            long n = Math.min(VALUE_UNIT, total - first);
            units.add(scratch -> partials[index] = compareValues(first, n, scratch, progress));
        }
        return units;
    }

    private DeltaAccumulator compareValues(long first, long count, ParallelWork.Scratch scratch,
            ParallelWork.Progress progress) throws IOException {
        DeltaAccumulator acc = new DeltaAccumulator();
        int half = readers.length / 2;
        int bytesPerValue = a.tensor().dtype().itemSize() + b.tensor().dtype().itemSize();
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(ParallelWork.VALUE_CHUNK, count - done);
            long at = first + done;
            for (int i = 0; i < readers.length; i++) {
                ValueReader r = readers[i];
                double[] dst = scratch.values(i);
                (i < half ? a : b).reading(() -> {
                    r.read(at, dst, 0, n);
                    return null;
                });
            }
            if (half == 1) {
                acc.addReal(scratch.values(0), scratch.values(1), n);
            } else {
                acc.addComplex(scratch.values(0), scratch.values(1), scratch.values(2), scratch.values(3), n);
            }
            done += n;
            progress.add((long) n * bytesPerValue);
        }
        return acc;
    }

    ValueChange result() {
        DeltaAccumulator total = new DeltaAccumulator();
        for (DeltaAccumulator p : partials) {
            total.merge(p);
        }
        return total.result(key);
    }

    /**
     * The tensor as the bytes it stores: quint4x2 and quint2x4 pack several codes per byte, so their bytes are
     * compared as a run of uint8-sized units.
     */
    private static TensorRef raw(TensorRef t) {
        int perByte = t.dtype() == DType.QUINT4X2 ? 2 : t.dtype() == DType.QUINT2X4 ? 4 : 1;
        if (perByte == 1) {
            return t;
        }
        long bytes = (t.numel() + perByte - 1) / perByte;
        return TensorRef.strided(t.dtype(), new long[] {bytes}, new long[] {1}, t.storageOffset() / perByte,
                t.storage()).withLocation(t.key(), t.path());
    }
}
