package org.ckptinspector.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.FileSpan;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Layout;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.values.TensorBytes;

/**
 * Compares an export's tensor values with the source's while the file is being written. Right after the writer has
 * written a range of the output, on the same thread and while other threads write later pieces, the range is read
 * back through a read channel of its own and compared with the values of every tensor placed there, found from the
 * source tensor (converted when the export converts it) independently of where the writer copied from. Both sides
 * are still in the CPU cache. A tensor whose every byte was compared here only needs its place checked once the
 * file is complete ({@link OutputVerifier}); any other is compared then.
 */
final class RangeVerifier {
    /** Bytes read from each side at a time: both buffers together fit in a core's L2 cache. */
    static final int READ = 256 << 10;

    private final FileChannel written;
    private final Map<ExportItem, Placed> byItem = new IdentityHashMap<>();
    private final LongAdder comparingNanos = new LongAdder();
    /** The placed tensors by first byte, and the largest end among each prefix of them; made by {@link #seal}. */
    private Placed[] sorted;
    private long[] maxEnd;

    /** A verifier that reads the output back through {@code written}, a channel open for reading. */
    RangeVerifier(FileChannel written) {
        this.written = written;
    }

    /**
     * Declares that {@code item}'s values will lie contiguously from byte {@code valuesAt} of the output. Only tensors
     * whose values can be compared range by range are taken (strided, not packed or block-quantized, and for a .pth
     * one stored run in the source); the others are left to {@link OutputVerifier}.
     */
    void place(ExportItem item, long valuesAt, boolean sourceMustBeStoredRun) {
        if (comparable(item, sourceMustBeStoredRun)) {
            byItem.put(item, new Placed(item, valuesAt));
        }
    }

    private static boolean comparable(ExportItem item, boolean sourceMustBeStoredRun) {
        TensorRef t = item.tensor();
        return !t.dtype().isPacked() && !item.dtype().isPacked() && t.dtype().kind() != DType.Kind.BLOCK
                && t.layout() == Layout.STRIDED && item.outputBytes() > 0
                && !(sourceMustBeStoredRun && TensorBytes.storedRun(t).isEmpty());
    }

    /** Bytes of values that will be left to compare after writing: those of tensors {@link #place} does not take. */
    static long leftAfterWriting(List<ExportItem> items, boolean sourceMustBeStoredRun) {
        return items.stream().filter(i -> !comparable(i, sourceMustBeStoredRun)).mapToLong(ExportItem::outputBytes)
                .sum();
    }

    /** Ends the placing: ranges can be written and compared from now on. */
    void seal() {
        sorted = byItem.values().toArray(new Placed[0]);
        Arrays.sort(sorted, (a, b) -> Long.compare(a.start, b.start));
        maxEnd = new long[sorted.length];
        long max = Long.MIN_VALUE;
        for (int i = 0; i < sorted.length; i++) {
            max = Math.max(max, sorted[i].end);
            maxEnd[i] = max;
        }
    }

    /** Buffers for one writing thread. */
    Buffers buffers() {
        return new Buffers();
    }

    /**
     * Where the bytes just written were read from: {@code bytes} are those of {@code span} from {@code position} on,
     * as a positional read of the source file gave them.
     */
    record Origin(ByteBuffer bytes, FileSpan span, long position) {
        /** The bytes read from the same file range as {@code expected}, when they were read from exactly there. */
        Optional<ByteBuffer> sameAs(FileSpan expected, long writtenFrom) {
            boolean same = expected.file().equals(span.file())
                    && expected.offset() == span.offset() + position + writtenFrom
                    && writtenFrom + expected.length() <= bytes.remaining();
            return same ? Optional.of(bytes.slice(bytes.position() + (int) writtenFrom, (int) expected.length()))
                    : Optional.empty();
        }
    }

    /**
     * Compares output bytes {@code [at, at + length)}, just written, with the values of every tensor placed across
     * them; fails with {@link Mismatch} at the first difference. When the writer copied them from a source file
     * ({@code origin} is not null) and that is exactly the file range that holds the tensor's values, the bytes it
     * read there are the source's values, and they are not read again.
     */
    void written(long at, long length, Buffers buffers, Origin origin) throws IOException {
        long started = System.nanoTime();
        long end = at + length;
        int i = firstStartingAtOrAfter(end) - 1;
        for (; i >= 0 && maxEnd[i] > at; i--) {
            Placed p = sorted[i];
            long from = Math.max(at, p.start);
            long to = Math.min(end, p.end);
            if (from < to) {
                p.compare(from - p.start, to - from, buffers, origin, from - at);
            }
        }
        comparingNanos.add(System.nanoTime() - started);
    }

    private int firstStartingAtOrAfter(long position) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid].start < position) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Where {@code item}'s values were compared, when every one of its bytes was. */
    OptionalLong verifiedAt(ExportItem item) {
        Placed p = byItem.get(item);
        return p != null && p.covered() ? OptionalLong.of(p.start) : OptionalLong.empty();
    }

    /** Time the writing threads spent comparing, added up over the threads. */
    long comparingNanos() {
        return comparingNanos.sum();
    }

    /** A difference found while writing: the export fails with {@link #problem}. */
    static final class Mismatch extends IOException {
        private static final long serialVersionUID = 1L;

        Mismatch(String problem) {
            super(problem);
        }

        String problem() {
            return getMessage();
        }
    }

    /** One thread's reusable buffers. */
    static final class Buffers {
        private final ByteBuffer expectedReads = ByteBuffer.allocateDirect(READ);
        private final ByteBuffer actualReads = ByteBuffer.allocateDirect(READ);
        private ByteBuffer expected;
        private ByteBuffer actual;

        private static ByteBuffer fit(ByteBuffer b, int bytes) {
            ByteBuffer out = b != null && b.capacity() >= bytes ? b : ByteBuffer.allocateDirect(bytes);
            out.clear().limit(bytes);
            return out.order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** One tensor's planned place in the output, and which of its value bytes have been compared. */
    private final class Placed {
        final ExportItem item;
        final long start;
        final long end;
        final DTypeConversion conversion;
        /** The source's values as stored, when they are exactly what is written (no conversion); else null. */
        final ByteRegion sourceRun;
        /** Compared ranges of the values, {from, to} pairs, in no order. */
        private final List<long[]> compared = new ArrayList<>();

        Placed(ExportItem item, long start) {
            this.item = item;
            this.start = start;
            this.end = Math.addExact(start, item.outputBytes());
            this.conversion = item.conversion().orElse(null);
            this.sourceRun = conversion == null ? TensorBytes.storedRun(item.tensor()).orElse(null) : null;
        }

        /** Compares bytes {@code [from, from + length)} of this tensor's output values with the source's. */
        void compare(long from, long length, Buffers b, Origin origin, long writtenFrom) throws IOException {
            int itemSize = item.dtype().itemSize();
            if (sourceRun == null && (from % itemSize != 0 || length % itemSize != 0)) {
                return;  // not whole elements: left to the comparison after writing
            }
            long at = sourceRun != null ? compareStored(from, length, b, origin, writtenFrom)
                    : compareElements(from, length, b);
            if (at >= 0) {
                throw new Mismatch(item.outputKey() + ": differs from the source at byte " + (from + at) + " of its "
                        + item.outputBytes() + " bytes of values");
            }
            synchronized (compared) {
                compared.add(new long[] {from, from + length});
            }
        }

        /** The first differing byte of the range, or -1; the source's bytes as stored. */
        private long compareStored(long from, long length, Buffers b, Origin origin, long writtenFrom)
                throws IOException {
            ByteRegion source = sourceRun.region(from, length);
            Optional<FileSpan> span = source.fileSpan();
            Optional<ByteBuffer> read = span.isPresent() && origin != null ? origin.sameAs(span.get(), writtenFrom)
                    : Optional.empty();
            for (long pos = 0; pos < length; ) {
                int n = (int) Math.min(READ, length - pos);
                ByteBuffer expected;
                if (read.isPresent()) {
                    expected = read.get().slice((int) pos, n);
                } else {
                    expected = b.expectedReads.clear().limit(n);
                    if (span.isPresent()) {
                        span.get().read(pos, expected);
                    } else {
                        expected.put(source.slice(pos, n));
                    }
                    expected.flip();
                }
                ByteBuffer actual = b.actualReads.clear().limit(n);
                readOutput(start + from + pos, actual);
                int at = expected.mismatch(actual.flip());
                if (at >= 0) {
                    return pos + at;
                }
                pos += n;
            }
            return -1;
        }

        /** The first differing byte of the range, or -1; the source's elements streamed and converted. */
        private long compareElements(long from, long length, Buffers b) throws IOException {
            int bytes = Math.toIntExact(length);
            ByteBuffer expected = b.expected = Buffers.fit(b.expected, bytes);
            int itemSize = item.dtype().itemSize();
            TensorBytes.stream(item.tensor(), from / itemSize, length / itemSize, OutputVerifier.PIECE, chunk -> {
                if (conversion == null) {
                    expected.put(chunk);
                } else {
                    conversion.convert(chunk, expected);
                }
            });
            ByteBuffer actual = b.actual = Buffers.fit(b.actual, bytes);
            readOutput(start + from, actual);
            return expected.flip().mismatch(actual.flip());
        }

        private void readOutput(long position, ByteBuffer target) throws IOException {
            long at = position;
            while (target.hasRemaining()) {
                int n = written.read(target, at);
                if (n < 0) {
                    throw new Mismatch(item.outputKey() + ": the output ends at byte " + at + ", inside its values");
                }
                at += n;
            }
        }

        /** Whether the compared ranges cover all of the values. */
        boolean covered() {
            List<long[]> ranges;
            synchronized (compared) {
                ranges = new ArrayList<>(compared);
            }
            ranges.sort((a, b) -> Long.compare(a[0], b[0]));
            long reached = 0;
            for (long[] r : ranges) {
                if (r[0] > reached) {
                    return false;
                }
                reached = Math.max(reached, r[1]);
            }
            return reached >= end - start;
        }
    }
}
