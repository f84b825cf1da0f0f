package org.ckptinspector.trajectory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.values.ValueReader;

/**
 * One key over the run and the work of reading it: element ranges are units that read each step's values of the
 * range once, in step order, and set each against the previous, the first and the last step.
 */
final class KeyTrack {
    /** Values per unit and step; 4 Mi values keep every thread busy on a few large tensors. */
    static final long UNIT_VALUES = 1L << 22;
    /** Values per chunk: the four chunks in use (32 KiB of floats or 64 KiB of doubles each) stay in the L2 cache. */
    static final int CHUNK = 1 << 13;
    /** Bytes between progress reports of a unit. */
    private static final long REPORT_BYTES = 8L << 20;

    final String key;
    final TensorRef reference;
    private final int steps;
    private final List<Integer> absent = new ArrayList<>();
    private final List<TensorTrajectory.Excluded> excluded = new ArrayList<>();
    /** Steps whose values are read, ascending. */
    private final int[] read;
    private final ValueReader[] readers;
    private final Path[] files;
    private StepSums[][] partials;
    /** True when every step read stores contiguous float32 values, summed without widening them first. */
    private final boolean floats;

    /** A thread's chunks: the first and the last step's, and two more for a step and its previous. */
    static final class Scratch {
        final StepChunk first = new StepChunk();
        final StepChunk last = new StepChunk();
        final StepChunk[] steps = {new StepChunk(), new StepChunk()};
        /** Where float32 bytes land from the file before they are copied into a chunk. */
        final ByteBuffer staging = ByteBuffer.allocateDirect(CHUNK * Float.BYTES);
    }

    /**
     * One step's values of a chunk: float32 values as stored, widened to float64 only for a chunk with a NaN or an
     * infinity; other dtypes as float64.
     */
    static final class StepChunk {
        final float[] floats = new float[CHUNK];
        final double[] doubles = new double[CHUNK];
        boolean asFloats;
        boolean widened;
        /** The sum of squares of the chunk's values; not finite when a value is not. */
        double squares;

        void sumSquares(int n) {
            squares = asFloats ? StepSums.squares(floats, n) : StepSums.squares(doubles, n);
        }

        double[] doubles(int n) {
            if (asFloats && !widened) {
                for (int i = 0; i < n; i++) {
                    doubles[i] = floats[i];
                }
                widened = true;
            }
            return doubles;
        }
    }

    /** @param tensors the key's tensor at each step (null where absent); @param files each step's file */
    KeyTrack(String key, TensorRef[] tensors, Path[] files) throws CheckpointException {
        this.key = key;
        this.steps = tensors.length;
        this.files = files;
        TensorRef ref = null;
        List<Integer> ok = new ArrayList<>();
        this.readers = new ValueReader[steps];
        for (int i = 0; i < steps; i++) {
            TensorRef t = tensors[i];
            if (t == null) {
                absent.add(i);
                continue;
            }
            if (ref == null) {
                ref = t;
            }
            String why = exclusion(t, ref);
            if (why != null) {
                excluded.add(new TensorTrajectory.Excluded(i, why));
                continue;
            }
            readers[i] = ValueReader.of(t);
            ok.add(i);
        }
        this.reference = ref;
        this.read = ok.stream().mapToInt(Integer::intValue).toArray();
        this.floats = Arrays.stream(read).allMatch(i -> readers[i].storesFloat32());
    }

    private static String exclusion(TensorRef t, TensorRef ref) {
        if (!Arrays.equals(t.shape(), ref.shape())) {
            return "shape " + Arrays.toString(t.shape()) + " differs from " + Arrays.toString(ref.shape())
                    + " at its first step";
        }
        if (t.dtype().kind() == DType.Kind.COMPLEX) {
            return "complex values are not tracked";
        }
        if (!t.hasValues()) {
            return ValueReader.unreadableReason(t).orElse("it has no data");
        }
        return ValueReader.unreadableReason(t).orElse(null);
    }

    long byteWork() {
        long bytes = 0;
        for (int i : read) {
            bytes += readers[i].tensor().nbytes();
        }
        return bytes;
    }

    List<ParallelUnits.Unit<Scratch>> units(Progress progress) {
        long total = read.length == 0 ? 0 : readers[read[0]].size();
        int count = (int) ((total + UNIT_VALUES - 1) / UNIT_VALUES);
        partials = new StepSums[count][];
        List<ParallelUnits.Unit<Scratch>> units = new ArrayList<>();
        for (int u = 0; u < count; u++) {
            int index = u;
            long first = u * UNIT_VALUES;
            long n = Math.min(UNIT_VALUES, total - first);
            units.add(scratch -> partials[index] = range(first, n, scratch, progress));
        }
        return units;
    }

    /**
     * Reads each step's values of the range once, chunk by chunk: a chunk of every step is set against the same
     * chunk of the previous, the first and the last step while all four are in the cache.
     */
    private StepSums[] range(long from, long count, Scratch scratch, Progress progress)
            throws IOException {
        StepSums[] sums = new StepSums[steps];
        for (int k = 0; k < read.length; k++) {
            sums[read[k]] = StepSums.open(k > 0 && read[k - 1] == read[k] - 1);
        }
        int firstStep = read[0];
        int lastStep = read[read.length - 1];
        StepChunk first = scratch.first;
        StepChunk last = scratch.last;
        long bytesPerValue = 0;
        for (int i : read) {
            bytesPerValue += readers[i].tensor().dtype().itemSize();
        }
        long unreported = 0;
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(CHUNK, count - done);
            long at = from + done;
            decode(firstStep, at, first, n, scratch.staging);
            decode(lastStep, at, last, n, scratch.staging);
            first.sumSquares(n);
            last.sumSquares(n);
            StepChunk previous = null;
            for (int k = 0; k < read.length; k++) {
                int i = read[k];
                StepChunk x;
                if (i == firstStep) {
                    x = first;
                } else if (i == lastStep) {
                    x = last;
                } else {
                    x = previous == scratch.steps[0] ? scratch.steps[1] : scratch.steps[0];
                    decode(i, at, x, n, scratch.staging);
                }
                StepChunk p = k > 0 && read[k - 1] == i - 1 ? previous : null;
                double own = Double.NaN;
                if (floats) {
                    own = sums[i].addFloats(x.floats, p == null ? null : p.floats, p == null ? 0 : p.squares,
                            first.floats, first.squares, last.floats, last.squares, n);
                }
                if (!Double.isFinite(own)) {
                    own = sums[i].add(x.doubles(n), p == null ? null : p.doubles(n), p == null ? 0 : p.squares,
                            first.doubles(n), first.squares, last.doubles(n), last.squares, n);
                }
                x.squares = own;
                previous = x;
            }
            done += n;
            unreported += n * bytesPerValue;
            if (unreported >= REPORT_BYTES || done == count) {
                progress.add(unreported);
                unreported = 0;
            }
        }
        return sums;
    }

    private void decode(int step, long at, StepChunk dst, int n, ByteBuffer staging) throws CheckpointException {
        try {
            dst.asFloats = floats;
            dst.widened = false;
            if (floats) {
                readers[step].readFloats(at, dst.floats, 0, n, staging);
            } else {
                readers[step].read(at, dst.doubles, 0, n);
            }
        } catch (IOException | IndexOutOfBoundsException e) {
            CheckpointException.Kind kind = e instanceof CheckpointException c ? c.kind()
                    : CheckpointException.Kind.IO;
            throw new CheckpointException(kind, files[step] + ": cannot read tensor " + key + ": "
                    + e.getMessage(), e);
        }
    }

    /** The key's sums per step, the units' partial sums added in order (null where nothing was read). */
    StepSums[] totals() {
        StepSums[] total = new StepSums[steps];
        for (StepSums[] unit : partials) {
            for (int i = 0; i < steps; i++) {
                if (unit[i] != null) {
                    total[i] = total[i] == null ? unit[i] : total[i].merge(unit[i]);
                }
            }
        }
        return total;
    }

    TensorTrajectory result(StepSums[] sums) {
        Integer firstNonfinite = null;
        List<Long> nonfinite = new ArrayList<>();
        boolean frozen = read.length == steps;
        for (int i = 0; i < steps; i++) {
            long bad = sums[i] == null ? 0 : sums[i].nonfinite();
            nonfinite.add(bad);
            if (bad > 0 && firstNonfinite == null) {
                firstNonfinite = i;
            }
            if (i > 0 && (sums[i] == null || !sums[i].unchanged())) {
                frozen = false;
            }
        }
        return new TensorTrajectory(key, reference.dtype().torchName(),
                Arrays.stream(reference.shape()).boxed().toList(), frozen, firstNonfinite, absent, excluded,
                nonfinite, Series.of(sums));
    }
}
