package org.ckptinspector.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A whole file mapped read-only in overlapping windows. Java 17 limits one mapping to 2 GiB, so the file is
 * covered by windows of {@value #WINDOW} bytes that start every {@value #STEP} bytes: any slice of at most
 * {@value #OVERLAP} bytes lies inside one window and comes back without copying. Windows are mapped on first use.
 * Slices of at most {@value #SMALL} bytes (headers, directories, pickles) are read instead, in blocks of
 * {@value #BLOCK} bytes: a page fault in a fresh mapping costs more than a positional read of the same page.
 */
public final class MappedFile implements ByteRegion, java.io.Closeable {
    static final long STEP = 1L << 30;
    static final long OVERLAP = 64L << 20;
    static final long WINDOW = STEP + OVERLAP;
    static final int SMALL = 16 << 10;
    static final int BLOCK = 4 << 10;

    private final Path path;
    private final FileChannel channel;
    private final long length;
    private final MappedByteBuffer[] windows;
    /** The block the last small slice came from; slices handed out keep their own block alive. */
    private volatile Block recent;

    private record Block(long start, ByteBuffer bytes) {
        boolean holds(long position, int len) {
            return position >= start && position - start <= bytes.capacity() - len;
        }
    }

    private MappedFile(Path path, FileChannel channel, long length) {
        this.path = path;
        this.channel = channel;
        this.length = length;
        this.windows = new MappedByteBuffer[(int) Math.max(1, (length + STEP - 1) / STEP)];
    }

    public static MappedFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new MappedFile(path, channel, channel.size());
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public ByteBuffer slice(long position, int len) throws IOException {
        ByteRegion.checkBounds(this, position, len);
        if (len <= SMALL) {
            Block block = recent;
            if (block == null || !block.holds(position, len)) {
                block = read(position, len);
                recent = block;
            }
            return block.bytes().slice((int) (position - block.start()), len).order(ByteOrder.LITTLE_ENDIAN);
        }
        int index = (int) (position / STEP);
        long within = position - index * STEP;
        if (within + len <= WINDOW) {
            MappedByteBuffer window = window(index);
            if (within + len <= window.capacity()) {
                return window.slice((int) within, len).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        return copy(position, len);
    }

    /** The whole file: its bytes can also be copied without mapping them. */
    @Override
    public Optional<FileSpan> fileSpan() {
        return Optional.of(new FileSpan(path, channel, 0, length));
    }

    /** The aligned block around {@code [position, position + len)}, longer when the range crosses its end. */
    private Block read(long position, int len) throws IOException {
        long start = position - position % BLOCK;
        int size = (int) Math.min(Math.max(BLOCK, position + len - start), length - start);
        ByteBuffer bytes = ByteBuffer.allocate(size);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, start + bytes.position()) < 0) {
                throw new IOException(path + ": the file became shorter while open (" + (start + bytes.position())
                        + " of " + length + " bytes)");
            }
        }
        return new Block(start, bytes.asReadOnlyBuffer());
    }

    private ByteBuffer copy(long position, int len) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        long pos = position;
        while (out.hasRemaining()) {
            int n = (int) Math.min(out.remaining(), OVERLAP);
            out.put(slice(pos, n));
            pos += n;
        }
        return out.flip();
    }

    private synchronized MappedByteBuffer window(int index) throws IOException {
        MappedByteBuffer w = windows[index];
        if (w == null) {
            long start = index * STEP;
            long size = Math.min(WINDOW, length - start);
            w = channel.map(FileChannel.MapMode.READ_ONLY, start, size);
            windows[index] = w;
        }
        return w;
    }

    /** Closes the channel; mappings are released by the garbage collector, as the JDK offers no unmap. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "MappedFile(" + path + ", " + length + " bytes)";
    }
}
