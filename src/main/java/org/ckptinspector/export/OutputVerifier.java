package org.ckptinspector.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.FileSpan;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.Progress;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorBytes;

/**
 * Re-opens a written export with our own reader and checks every tensor against its source: same key, dtype and
 * shape, and byte for byte the same values as the source's after the planned conversion. Values that
 * {@link RangeVerifier} compared while they were written are not compared again: the reader must find them as one
 * run at exactly the place where they were compared. Other tensors are compared in
 * pieces of at most {@value #PIECE} bytes on the request's threads. Where both sides lie as they are in files,
 * both are read with positional reads, {@value #READ} bytes at a time, into two reused buffers that stay in the
 * CPU cache while they are compared: the output's pages were just written, and reading them through a fresh
 * mapping would take a page fault every 4 KiB. Otherwise the source's values are gathered (and converted) first,
 * and the output's are read from its file where they can be.
 */
final class OutputVerifier {
    /** Bytes of output values compared at a time: bounds the memory of a gathered piece per thread. */
    static final int PIECE = 8 << 20;
    /** Bytes read from each side at a time: both buffers together fit in a core's L2 cache. */
    static final int READ = 256 << 10;

    private OutputVerifier() {}

    /** Re-opens {@code written} and compares every tensor with its source. */
    static ExportResult.Verification verify(ExportPlan plan, Path written, TaskMonitor monitor) throws IOException {
        return verify(plan, written, null, monitor);
    }

    /**
     * Re-opens {@code written}, checks that the reader finds every tensor whose values {@code whileWriting} (or null)
     * compared exactly where it compared them, with the planned dtype and shape, and compares every other tensor.
     */
    static ExportResult.Verification verify(ExportPlan plan, Path written, RangeVerifier whileWriting,
            TaskMonitor monitor) throws IOException {
        long start = System.nanoTime();
        try (Checkpoint out = CheckpointOpener.open(written)) {
            Map<String, TensorRef> byKey = out.tensorsByKey();
            List<String> mismatches = new ArrayList<>();
            if (out.tensors().size() != plan.items().size()) {
                mismatches.add("the output holds " + out.tensors().size() + " tensors, not "
                        + plan.items().size());
            }
            List<Check> checks = new ArrayList<>();
            List<Piece> pieces = new ArrayList<>();
            long bytes = 0;
            for (ExportItem item : plan.items()) {
                TensorRef outTensor = byKey.get(item.outputKey());
                String problem = describe(item, outTensor);
                OptionalLong comparedAt = whileWriting == null ? OptionalLong.empty() : whileWriting.verifiedAt(item);
                if (problem != null) {
                    mismatches.add(problem);
                } else if (comparedAt.isPresent()) {
                    String misplaced = misplaced(item, outTensor, comparedAt.getAsLong());
                    if (misplaced != null) {
                        mismatches.add(misplaced);
                    }
                    bytes += item.outputBytes();
                } else {
                    Check c = new Check(item, outTensor);
                    checks.add(c);
                    c.cut(pieces);
                }
            }
            compareAll(pieces, plan.request().threads(), monitor);
            for (Check c : checks) {
                c.problem().ifPresent(mismatches::add);
                bytes += c.item.outputBytes();
            }
            return new ExportResult.Verification(plan.items().size(), mismatches, bytes,
                    Duration.ofNanos(System.nanoTime() - start),
                    Duration.ofNanos(whileWriting == null ? 0 : whileWriting.comparingNanos()));
        }
    }

    /** What is wrong with a written tensor's key, dtype or shape; null when they are as planned. */
    private static String describe(ExportItem item, TensorRef out) {
        if (out == null) {
            return item.outputKey() + ": missing from the output";
        }
        if (out.dtype() != item.dtype() || !Arrays.equals(out.shape(), item.tensor().shape())) {
            return item.outputKey() + ": written as " + out.dtype() + " " + Arrays.toString(out.shape())
                    + ", expected " + item.dtype() + " " + Arrays.toString(item.tensor().shape());
        }
        return null;
    }

    /**
     * What is wrong with where the reader finds a tensor whose values were compared at byte {@code comparedAt} of
     * the file while it was written; null when it finds them there, as one contiguous run.
     */
    private static String misplaced(ExportItem item, TensorRef out, long comparedAt) {
        Optional<FileSpan> span = TensorBytes.storedRun(out).flatMap(ByteRegion::fileSpan);
        if (span.isEmpty()) {
            return item.outputKey() + ": its values were compared at byte " + comparedAt
                    + " of the output, but the output does not store them there as one run";
        }
        if (span.get().offset() != comparedAt || span.get().length() != item.outputBytes()) {
            return item.outputKey() + ": the output's reader finds its values at byte " + span.get().offset() + " ("
                    + span.get().length() + " bytes), not at byte " + comparedAt + " (" + item.outputBytes()
                    + " bytes) where they were compared";
        }
        return null;
    }

    /** Compares the pieces on {@code threads} threads; the first failure or a cancel stops the others. */
    private static void compareAll(List<Piece> pieces, int threads, TaskMonitor monitor) throws IOException {
        long totalBytes = pieces.stream().mapToLong(Piece::outputBytes).sum();
        Progress progress = new Progress(monitor, totalBytes + 1, "verifying");
        List<ParallelUnits.Unit<Staging>> units = new ArrayList<>();
        for (Piece p : pieces) {
            units.add(staging -> {
                p.check().compare(p, staging);
                progress.add(p.outputBytes());
            });
        }
        ParallelUnits.run(units, threads, Staging::new, monitor);
        progress.add(1);  // the end, also when everything was compared while writing
    }

    /**
     * A run of one tensor's values: bytes {@code [first, first + count)} of both stored runs, or elements
     * {@code [first, first + count)} of the row-major order.
     */
    private record Piece(Check check, long first, long count) {
        long outputBytes() {
            return check.expectedRun != null ? count : check.item.dtype().bytesFor(count);
        }
    }

    /**
     * Each worker's reusable buffers: two of {@link #READ} bytes for file reads, and two for gathered pieces,
     * grown on demand up to {@link #PIECE} bytes.
     */
    private static final class Staging {
        private final ByteBuffer expectedReads = ByteBuffer.allocateDirect(READ);
        private final ByteBuffer actualReads = ByteBuffer.allocateDirect(READ);
        private ByteBuffer expected;
        private ByteBuffer actual;

        /** The offset of the first byte where the two equally long spans differ, or -1. */
        long mismatch(FileSpan e, FileSpan a) throws IOException {
            for (long pos = 0; pos < e.length(); ) {
                int n = (int) Math.min(READ, e.length() - pos);
                expectedReads.clear().limit(n);
                actualReads.clear().limit(n);
                e.read(pos, expectedReads);
                a.read(pos, actualReads);
                int at = expectedReads.flip().mismatch(actualReads.flip());
                if (at >= 0) {
                    return pos + at;
                }
                pos += n;
            }
            return -1;
        }

        ByteBuffer expected(int bytes) {
            expected = fit(expected, bytes);
            return expected;
        }

        ByteBuffer actual(int bytes) {
            actual = fit(actual, bytes);
            return actual;
        }

        private static ByteBuffer fit(ByteBuffer b, int bytes) {
            ByteBuffer out = b != null && b.capacity() >= bytes ? b : ByteBuffer.allocateDirect(bytes);
            out.clear().limit(bytes);
            return out.order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** One tensor's comparison: how its values are read on both sides, and the first difference found. */
    private static final class Check {
        private final ExportItem item;
        private final TensorRef output;
        private final DTypeConversion conversion;
        /** Both sides' values as stored runs, when they are and no conversion applies; else null. */
        private final ByteRegion expectedRun;
        private final ByteRegion actualRun;
        /** The output's values as a stored run, whatever the source's; null when they are not one. */
        private final ByteRegion writtenRun;
        /** Byte offset in the output values of the first difference found, or Long.MAX_VALUE. */
        private final AtomicLong firstDifference = new AtomicLong(Long.MAX_VALUE);
        private volatile String unreadable;

        Check(ExportItem item, TensorRef output) {
            this.item = item;
            this.output = output;
            this.conversion = item.conversion().orElse(null);
            Optional<ByteRegion> source = conversion == null ? TensorBytes.storedRun(item.tensor()) : Optional.empty();
            Optional<ByteRegion> written = TensorBytes.storedRun(output);
            boolean direct = source.isPresent() && written.isPresent();
            this.expectedRun = direct ? source.get() : null;
            this.actualRun = direct ? written.get() : null;
            this.writtenRun = written.filter(w -> !output.dtype().isPacked()).orElse(null);
        }

        /** Adds this tensor's pieces. */
        void cut(List<Piece> pieces) {
            if (expectedRun != null) {
                long n = expectedRun.length();  // the output's run has as many bytes: same dtype and shape
                for (long at = 0; at == 0 || at < n; at += PIECE) {
                    pieces.add(new Piece(this, at, Math.min(PIECE, n - at)));
                }
                return;
            }
            long numel = item.tensor().numel();
            long perPiece = Math.max(1, PIECE / Math.max(item.tensor().dtype().itemSize(), item.dtype().itemSize()));
            for (long at = 0; at == 0 || at < numel; at += perPiece) {
                pieces.add(new Piece(this, at, Math.min(perPiece, numel - at)));
            }
        }

        void compare(Piece p, Staging staging) throws IOException {
            if (firstDifference.get() < Long.MAX_VALUE || unreadable != null) {
                return;
            }
            try {
                if (expectedRun != null) {
                    ByteRegion e = expectedRun.region(p.first(), p.count());
                    ByteRegion a = actualRun.region(p.first(), p.count());
                    Optional<FileSpan> es = e.fileSpan();
                    Optional<FileSpan> as = a.fileSpan();
                    long at = es.isPresent() && as.isPresent() ? staging.mismatch(es.get(), as.get())
                            : e.slice(0, (int) p.count()).mismatch(a.slice(0, (int) p.count()));
                    if (at >= 0) {
                        firstDifference.accumulateAndGet(p.first() + at, Math::min);
                    }
                } else {
                    int bytes = (int) item.dtype().bytesFor(p.count());
                    ByteBuffer expected = staging.expected(bytes);
                    TensorBytes.stream(item.tensor(), p.first(), p.count(), PIECE, chunk -> {
                        if (conversion == null) {
                            expected.put(chunk);
                        } else {
                            conversion.convert(chunk, expected);
                        }
                    });
                    ByteBuffer actual = staging.actual(bytes);
                    Optional<FileSpan> written = writtenRun == null ? Optional.empty()
                            : writtenRun.region(item.dtype().bytesFor(p.first()), bytes).fileSpan();
                    if (written.isPresent()) {
                        written.get().read(0, actual);
                    } else {
                        TensorBytes.stream(output, p.first(), p.count(), PIECE, actual::put);
                    }
                    long at = expected.flip().mismatch(actual.flip());
                    if (at >= 0) {
                        firstDifference.accumulateAndGet(item.dtype().bytesFor(p.first()) + at, Math::min);
                    }
                }
            } catch (CheckpointException e) {
                unreadable = e.getMessage();
            }
        }

        /** What differs, if anything. */
        Optional<String> problem() {
            if (unreadable != null) {
                return Optional.of(item.outputKey() + ": cannot be read back (" + unreadable + ")");
            }
            long at = firstDifference.get();
            if (at == Long.MAX_VALUE) {
                return Optional.empty();
            }
            return Optional.of(item.outputKey() + ": differs from the source at byte " + at + " of its "
                    + item.outputBytes() + " bytes of values");
        }
    }
}
