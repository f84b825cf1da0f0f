package org.ckptinspector.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.FileSpan;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorBytes;

/**
 * Moves tensor bytes from the source to the output. Bytes written as they lie in a source file are read from
 * the file into a small buffer that stays in the CPU cache while the sink checksums and writes it (cheaper, here,
 * than {@code sendfile} and than writing from the mapping, which faults on every page); converted or gathered
 * bytes are streamed from the mapping in bounded chunks. Reports progress, and checks for cancellation, at least
 * every {@value #CHUNK} bytes.
 */
final class ByteCopier {
    /** Below MappedFile's 64 MiB zero-copy limit, large enough for few system calls; also the progress step. */
    static final int CHUNK = 16 << 20;
    /** Read size from a file: half of a core's L2 cache, so the sink reads back what was just read. */
    static final int READ = 512 << 10;

    /** Where the bytes go. */
    @FunctionalInterface
    interface Sink {
        /** Writes all remaining bytes of {@code data}; the buffer is reused once this returns. */
        void write(ByteBuffer data) throws IOException;
    }

    private final TaskMonitor monitor;
    private final long total;
    private long done;
    private long reported;
    private ByteBuffer staging;
    private ByteBuffer reads;

    ByteCopier(TaskMonitor monitor, long totalOutputBytes) {
        this.monitor = monitor;
        this.total = totalOutputBytes;
    }

    /** Copies {@code length} bytes of {@code region} from {@code offset}, converting them if asked. */
    void copyRange(ByteRegion region, long offset, long length, DTypeConversion conversion, String what,
            Sink sink) throws IOException {
        Optional<FileSpan> span = conversion == null ? region.region(offset, length).fileSpan() : Optional.empty();
        if (span.isPresent()) {
            copy(span.get(), what, sink);
            return;
        }
        int chunk = conversion == null ? CHUNK : CHUNK / 4 * conversion.from().itemSize();
        long pos = offset;
        long end = Math.addExact(offset, length);
        while (pos < end) {
            int n = (int) Math.min(chunk, end - pos);
            emit(region.slice(pos, n), conversion, what, sink);
            pos += n;
        }
    }

    /** Streams a tensor's elements in row-major order (made contiguous), converting them if asked. */
    void copyTensor(TensorRef t, DTypeConversion conversion, String what, Sink sink)
            throws IOException {
        Optional<FileSpan> span = conversion == null
                ? TensorBytes.storedRun(t).flatMap(ByteRegion::fileSpan) : Optional.empty();
        if (span.isPresent()) {
            copy(span.get(), what, sink);
            return;
        }
        int chunk = conversion == null ? CHUNK : CHUNK / 4 * conversion.from().itemSize();
        TensorBytes.stream(t, chunk, data -> emit(data, conversion, what, sink));
    }

    private void copy(FileSpan span, String what, Sink sink) throws IOException {
        if (reads == null) {
            reads = ByteBuffer.allocateDirect(READ).order(ByteOrder.LITTLE_ENDIAN);
        }
        long length = span.length();
        for (long pos = 0; pos < length; ) {
            int n = (int) Math.min(READ, length - pos);
            reads.clear().limit(n);
            span.read(pos, reads);
            sink.write(reads.flip());
            pos += n;
            advance(n, pos == length, what);
        }
    }

    private void emit(ByteBuffer data, DTypeConversion conversion, String what, Sink sink) throws IOException {
        ByteBuffer out = data;
        if (conversion != null) {
            int need = (int) conversion.outputBytes(data.remaining());
            if (staging == null || staging.capacity() < need) {
                staging = ByteBuffer.allocateDirect(Math.max(need, CHUNK)).order(ByteOrder.LITTLE_ENDIAN);
            }
            staging.clear();
            conversion.convert(data, staging);
            out = staging.flip();
        }
        int n = out.remaining();
        sink.write(out);
        advance(n, true, what);
    }

    /** Counts written bytes; reports and checks for cancel every {@link #CHUNK} bytes and at every piece's end. */
    private void advance(long n, boolean pieceEnd, String what) {
        done += n;
        if (pieceEnd || done - reported >= CHUNK) {
            reported = done;
            monitor.progress(done, total, what);
            monitor.checkCancelled();
        }
    }
}
