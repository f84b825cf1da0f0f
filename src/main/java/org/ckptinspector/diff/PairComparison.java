package org.ckptinspector.diff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.values.TensorBytes;
import org.ckptinspector.values.TensorHash;
import org.ckptinspector.values.ValueReader;
import org.ckptinspector.values.ValueView;

/**
 * One key that both checkpoints hold with the same shape, and the work of comparing it: first its bytes (same
 * dtype only; the logical bytes {@link TensorBytes} gives, so conjugate/negative bits are resolved and sparse
 * tensors densified), block by block until the first difference, then, if they differ or the dtypes do, its
 * values. Units of work cover element ranges so that one large tensor keeps every thread busy. Values that the
 * value API cannot decode (sparse tensors) or cannot pair up (float4_e2m1fn_x2 holds two per element) leave the
 * Δ statistics null.
 */
final class PairComparison {
    private final Granularity granularity;
    private final String key;
    private final Side a;
    private final Side b;
    private final AtomicBoolean bytesDiffer = new AtomicBoolean();
    private ValueReader[] readers;
    private DeltaAccumulator[] partials;
    private DeltaRank.Estimate rank = DeltaRank.Estimate.none("values not compared");

    PairComparison(String key, Side a, Side b, Granularity granularity) {
        this.granularity = granularity;
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
     * Marks the pair as different without reading its bytes when the dtypes differ or the quantization parameters
     * kept beside the integers do.
     */
    void checkMetadata() throws CheckpointException {
        if (!sameDtype() || !sameQuantization(a.tensor().quantization(), b.tensor().quantization())) {
            bytesDiffer.set(true);
        }
    }

    private boolean dense() {
        return a.tensor().layout() == Layout.STRIDED && b.tensor().layout() == Layout.STRIDED;
    }

    private boolean sameQuantization(Quantization qa, Quantization qb) throws CheckpointException {
        if (qa instanceof Quantization.PerChannel ca && qb instanceof Quantization.PerChannel cb) {
            return ca.axis() == cb.axis() && ca.qscheme().equals(cb.qscheme())
                    && sameHash(ca.scales(), cb.scales()) && sameHash(ca.zeroPoints(), cb.zeroPoints());
        }
        if (qa instanceof Quantization.Scaled sa && qb instanceof Quantization.Scaled sb) {
            return sa.layout() == sb.layout() && sa.blockRows() == sb.blockRows()
                    && sa.blockCols() == sb.blockCols() && sameHash(sa.scale(), sb.scale());
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
        return bytesDiffer.get() ? 0 : 2 * a.tensor().nbytes();
    }

    /** The byte comparison in units; none when the pair already differs. */
    List<ParallelUnits.Unit<ThreadBuffers>> byteUnits(Progress progress) {
        List<ParallelUnits.Unit<ThreadBuffers>> units = new ArrayList<>();
        if (bytesDiffer.get()) {
            return units;
        }
        if (!dense()) {
            // densified as a whole, once per side
            long work = byteWork();
            units.add(scratch -> {
                if (!a.reading(() -> TensorHash.sha256(a.tensor())).equals(b.reading(() -> TensorHash.sha256(
                        b.tensor())))) {
                    bytesDiffer.set(true);
                }
                progress.add(work);
            });
            return units;
        }
        TensorRef ra = raw(a.tensor());
        TensorRef rb = raw(b.tensor());
        int item = ra.dtype().itemSize();
        long total = ra.numel();
        long perUnit = Math.max(1, granularity.byteUnit() / item);
        for (long first = 0; first < total; first += perUnit) {
            long start = first;
            long count = Math.min(perUnit, total - first);
            units.add(scratch -> compareBytes(ra, rb, start, count, scratch, progress));
        }
        return units;
    }

    private void compareBytes(TensorRef ra, TensorRef rb, long first, long count, ThreadBuffers scratch,
            Progress progress) throws IOException {
        int item = ra.dtype().itemSize();
        int perBlock = Math.max(1, granularity.byteBlock() / item);
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
        if (done < count) {
            progress.add(2L * (count - done) * item); // skipped: the pair already differs
        }
    }

    /** Hands elements [first, first + n) of t to {@code use} as one buffer: a mapped slice, or a gathered copy. */
    private static <T> T block(TensorRef t, long first, int n, ThreadBuffers scratch, boolean sideA,
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

    /** Opens value readers on both sides, unless the values cannot be decoded or paired up element by element. */
    void openValues() throws CheckpointException {
        if (ValueReader.unreadableReason(a.tensor()).isPresent()
                || ValueReader.unreadableReason(b.tensor()).isPresent()) {
            return;
        }
        boolean complex = a.tensor().dtype().kind() == DType.Kind.COMPLEX
                || b.tensor().dtype().kind() == DType.Kind.COMPLEX;
        ValueView[] views = complex ? new ValueView[] {ValueView.REAL, ValueView.IMAG}
                : new ValueView[] {ValueView.VALUE};
        ValueReader[] opened = new ValueReader[2 * views.length];
        for (int i = 0; i < views.length; i++) {
            ValueView v = views[i];
            opened[i] = a.reading(() -> ValueReader.of(a.tensor(), v));
            opened[views.length + i] = b.reading(() -> ValueReader.of(b.tensor(), v));
        }
        if (opened[0].size() == opened[views.length].size()) {
            readers = opened;
        }
    }

    long valueWork() {
        return readers == null ? 0 : readers[0].size() * (a.tensor().dtype().itemSize()
                + (long) b.tensor().dtype().itemSize());
    }

    /** The value comparison in units; each fills its own partial sums, merged in order by {@link #result()}. */
    List<ParallelUnits.Unit<ThreadBuffers>> valueUnits(Progress progress) {
        long total = readers == null ? 0 : readers[0].size();
        long perUnit = granularity.valueUnit();
        int count = (int) ((total + perUnit - 1) / perUnit);
        partials = new DeltaAccumulator[Math.max(1, count)];
        partials[0] = new DeltaAccumulator();
        List<ParallelUnits.Unit<ThreadBuffers>> units = new ArrayList<>();
        for (int u = 0; u < count; u++) {
            int index = u;
            long first = u * perUnit;
            long n = Math.min(perUnit, total - first);
            units.add(scratch -> partials[index] = compareValues(first, n, scratch, progress));
        }
        return units;
    }

    private DeltaAccumulator compareValues(long first, long count, ThreadBuffers scratch,
            Progress progress) throws IOException {
        DeltaAccumulator acc = new DeltaAccumulator();
        int half = readers.length / 2;
        int bytesPerValue = a.tensor().dtype().itemSize() + b.tensor().dtype().itemSize();
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(ThreadBuffers.VALUE_CHUNK, count - done);
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

    /** Why ΔW gets no rank estimate, or null when it gets one (real values of a matrix within the bounds). */
    private String rankRefusal() {
        if (readers == null) {
            return "values not compared";
        }
        if (readers.length != 2) {
            return "complex values";
        }
        return DeltaRank.refusal(a.tensor().shape());
    }

    /**
     * Claims the multiply-adds of a rank estimate from what is left of the diff's budget; returns what is left
     * after it, or -1 (and keeps the reason) when ΔW gets no rank.
     */
    long claimRank(long budget) {
        String refusal = rankRefusal();
        if (refusal == null && DeltaRank.multiplyAdds(a.tensor().shape()) > budget) {
            refusal = "over the rank budget of one diff (" + DeltaRank.DIFF_BUDGET + " multiply-adds), spent on "
                    + "the keys before it";
        }
        if (refusal != null) {
            rank = DeltaRank.Estimate.none(refusal);
            return -1;
        }
        rank = null;
        return budget - DeltaRank.multiplyAdds(a.tensor().shape());
    }

    /** Bytes read by the rank estimate, 0 unless {@link #claimRank} granted it. */
    long rankWork() {
        return rank != null ? 0 : DeltaRank.byteWork(a.tensor().numel(), a.tensor().dtype(), b.tensor().dtype());
    }

    /** The rank estimate of ΔW = A − B as one unit, none unless {@link #claimRank} granted it. */
    List<ParallelUnits.Unit<ThreadBuffers>> rankUnits(Progress progress) {
        if (rank != null) {
            return List.of();
        }
        DeltaRank.Source source = (first, da, db, n) -> {
            a.reading(() -> {
                readers[0].read(first, da, 0, n);
                return null;
            });
            b.reading(() -> {
                readers[1].read(first, db, 0, n);
                return null;
            });
        };
        return List.of(scratch -> rank = DeltaRank.estimate(a.tensor().shape(), a.tensor().dtype(),
                b.tensor().dtype(), source, key.hashCode(), progress));
    }

    ValueChange result() {
        DeltaAccumulator total = new DeltaAccumulator();
        for (DeltaAccumulator p : partials) {
            total.merge(p);
        }
        ValueChange change = total.result(key);
        boolean rounding = total.withinRounding(DeltaRank.eps(a.tensor().dtype()), DeltaRank.eps(b.tensor().dtype()));
        return change.withUpdate(UpdateVerdict.of(change.changedValues(), change.values(), a.tensor().shape(),
                rounding, rank));
    }

    /** Elements of the pair, for the module roll-up. */
    long numel() {
        return a.tensor().numel();
    }

    /**
     * The tensor as the bytes it stores: quint4x2 and quint2x4 pack several codes per byte and are streamed only
     * whole, and GGML blocks stream their dequantized values, so their bytes are compared as a uint8 run, which can
     * be split into ranges.
     */
    private static TensorRef raw(TensorRef t) {
        if (t.dtype().kind() == DType.Kind.BLOCK) {
            return TensorRef.strided(DType.UINT8, new long[] {t.nbytes()}, new long[] {1},
                    t.storageOffset() / t.dtype().blockSize() * t.dtype().itemSize(), t.storage())
                    .withLocation(t.key(), t.path());
        }
        if (!t.dtype().isPacked()) {
            return t;
        }
        int perByte = 8 / t.dtype().bitsPerElement();
        return TensorRef.strided(DType.UINT8, new long[] {t.nbytes()}, new long[] {1}, t.storageOffset() / perByte,
                t.storage()).withLocation(t.key(), t.path());
    }
}
