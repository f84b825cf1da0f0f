package org.ckptinspector.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Optional;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorBytes;

/**
 * Moves tensor bytes from the source to the output. Bytes written as they are stored in a source file are handed
 * to the sink as file regions, which it copies kernel to kernel; converted or gathered bytes pass in bounded chunks
 * through one reusable buffer. Progress is reported, and cancellation checked, after every piece of at most
 * {@value #TRANSFER} bytes.
 */
final class ByteCopier {
    /** Below MappedFile's 64 MiB zero-copy limit, large enough for few system calls. */
    static final int CHUNK = 16 << 20;
    /** Bytes per kernel-to-kernel transfer: bounds how long a cancel waits. */
    static final long TRANSFER = 64L << 20;

    /** Where the bytes go. */
    interface Sink {
        /** Writes all remaining bytes of {@code data}. */
        void write(ByteBuffer data) throws IOException;

        /** Writes all bytes of {@code region}, which lie in a file ({@link ByteRegion#fileSpan()} is present). */
        void transfer(ByteRegion region) throws IOException;

        /** A sink that writes at the channel's position. */
        static Sink to(FileChannel channel) {
            return new Sink() {
                @Override
                public void write(ByteBuffer data) throws IOException {
                    while (data.hasRemaining()) {
                        channel.write(data);
                    }
                }

                @Override
                public void transfer(ByteRegion region) throws IOException {
                    region.fileSpan().orElseThrow().transferTo(channel);
                }
            };
        }
    }

    private final TaskMonitor monitor;
    private final long total;
    private long done;
    private ByteBuffer staging;

    ByteCopier(TaskMonitor monitor, long totalOutputBytes) {
        this.monitor = monitor;
        this.total = totalOutputBytes;
    }

    /** Copies {@code length} bytes of {@code region} from {@code offset}, converting them if asked. */
    void copyRange(ByteRegion region, long offset, long length, DTypeConversion conversion, String what,
            Sink sink) throws IOException {
        if (conversion == null && region.fileSpan().isPresent()) {
            transfer(region.region(offset, length), what, sink);
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
        Optional<ByteRegion> run = conversion == null ? TensorBytes.storedRun(t) : Optional.empty();
        if (run.isPresent() && run.get().fileSpan().isPresent()) {
            transfer(run.get(), what, sink);
            return;
        }
        int chunk = conversion == null ? CHUNK : CHUNK / 4 * conversion.from().itemSize();
        TensorBytes.stream(t, chunk, data -> emit(data, conversion, what, sink));
    }

    private void transfer(ByteRegion region, String what, Sink sink) throws IOException {
        long length = region.length();
        for (long pos = 0; pos < length; ) {
            monitor.checkCancelled();
            long n = Math.min(TRANSFER, length - pos);
            sink.transfer(region.region(pos, n));
            pos += n;
            done += n;
            monitor.progress(done, total, what);
        }
    }

    private void emit(ByteBuffer data, DTypeConversion conversion, String what, Sink sink) throws IOException {
        monitor.checkCancelled();
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
        done += n;
        monitor.progress(done, total, what);
    }
}
