package org.ckptinspector.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Where a region's bytes lie when they are a plain range of an open file, so that a copier can read them with
 * positional reads into a small reusable buffer instead of through the mapping: for a one-pass copy that is
 * cheaper than taking a page fault on every page of the source. Like any {@link FileChannel} operation, a read
 * closes the file's channel when the calling thread is interrupted; cancel cooperatively.
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
     * Fills the remaining bytes of {@code target} with the span's bytes from {@code position} on. Fails, rather
     * than reading less, when the file has become shorter since it was opened.
     */
    public void read(long position, ByteBuffer target) throws IOException {
        if (position < 0 || target.remaining() > length - position) {
            throw new IndexOutOfBoundsException("reading " + target.remaining() + " bytes at " + position
                    + " of a span of " + length + " bytes");
        }
        long at = offset + position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new IOException(file + ": the file ends at " + channel.size() + " bytes, before byte "
                        + (at + target.remaining()) + " that was there when it was opened; was it changed while "
                        + "in use?");
            }
            at += n;
        }
    }

    @Override
    public String toString() {
        return "FileSpan(" + file + ", " + offset + "+" + length + ")";
    }
}
