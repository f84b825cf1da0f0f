package org.ckptinspector.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorBytes;

/**
 * Moves tensor bytes from the source to the output in bounded chunks: ranges of a mapped source go to the output
 * channel as zero-copy slices, converted data through one reusable direct buffer. Reports progress and checks
 * for cancellation after every chunk.
 */
final class ByteCopier {
    /** Below MappedFile's 64 MiB zero-copy limit, large enough for few system calls. */
    static final int CHUNK = 16 << 20;

    /** Where the bytes go. */
    @FunctionalInterface
    interface Sink {
        void write(ByteBuffer data) throws IOException;
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
        int chunk = conversion == null ? CHUNK : CHUNK / 4 * conversion.from().itemSize();
        TensorBytes.stream(t, chunk, data -> emit(data, conversion, what, sink));
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
