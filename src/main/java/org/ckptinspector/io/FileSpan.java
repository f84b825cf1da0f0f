package org.ckptinspector.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * Where a region's bytes lie when they are a plain range of an open file, so that a writer can copy them kernel to
 * kernel ({@code sendfile}/{@code copy_file_range}) instead of through memory. Like any {@link FileChannel}
 * operation, a transfer closes the file's channel when the calling thread is interrupted; cancel cooperatively.
 */
public final class FileSpan {
    private final Path file;
    private final FileChannel channel;
    private final long offset;
    private final long length;

    FileSpan(Path file, FileChannel channel, long offset, long length) {
        this.file = file;
        this.channel = channel;
        this.offset = offset;
        this.length = length;
    }

    public Path file() {
        return file;
    }

    /** Position of the span's first byte in the file. */
    public long offset() {
        return offset;
    }

    public long length() {
        return length;
    }

    /** Bytes {@code [from, from + count)} of this span. */
    FileSpan sub(long from, long count) {
        if (from < 0 || count < 0 || from > length - count) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + from + "+" + count
                    + ") is outside a span of " + length + " bytes");
        }
        return new FileSpan(file, channel, offset + from, count);
    }

    /**
     * Writes all bytes of the span to {@code target} at its current position. Fails, rather than writing less,
     * when the file has become shorter since it was opened.
     */
    public void transferTo(WritableByteChannel target) throws IOException {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            long n = channel.transferTo(pos, end - pos, target);
            if (n <= 0) {
                throw new IOException(file + ": the file ends at " + channel.size() + " bytes, before byte " + end
                        + " that was there when it was opened; was it changed while in use?");
            }
            pos += n;
        }
    }

    @Override
    public String toString() {
        return "FileSpan(" + file + ", " + offset + "+" + length + ")";
    }
}
