package org.ckptinspector.container;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.HeapRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.CheckpointException;

/**
 * A DEFLATE-compressed zip record (torch never writes them, zip tools do), inflated on first access: into memory
 * up to {@value #MAX_IN_MEMORY} bytes, else into a temporary file that is deleted on close. As in torch's miniz,
 * the record is the first bytes of the stream up to the size the central directory declares (a stream that holds
 * more is cut there, one that holds fewer is an error), and all records of a file together may not exceed
 * {@link Budget#MAX_INFLATED_BYTES}, so a zip bomb ends in a clear error.
 */
public final class InflatedRecord implements ByteRegion, Closeable {
    /** Records up to this size are inflated into memory rather than a temp file. */
    static final int MAX_IN_MEMORY = 16 << 20;

    /** The decompressed bytes all DEFLATE records of one file may take together. */
    public static final class Budget {
        /** At most this many bytes are inflated for one checkpoint. */
        static final long MAX_INFLATED_BYTES = 8L << 30;

        public Budget() {}
        private long used;

        synchronized void take(String file, String record, long n) throws CheckpointException {
            if (n > MAX_INFLATED_BYTES - used) {
                throw new CheckpointException(CheckpointException.Kind.LIMIT_EXCEEDED, file + ": " + "inflating record " + record + " would take the "
                        + "decompressed size past " + MAX_INFLATED_BYTES + " bytes (a zip bomb?)");
            }
            used += n;
        }
    }

    private final String file;
    private final String name;
    private final ByteRegion compressed;
    private final long length;
    private final Budget budget;
    private ByteRegion inflated;
    private MappedFile tempMapping;
    private Path temp;

    public InflatedRecord(String file, String name, ByteRegion compressed, long length, Budget budget) {
        this.file = file;
        this.name = name;
        this.compressed = compressed;
        this.length = length;
        this.budget = budget;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public ByteBuffer slice(long position, int len) throws IOException {
        ByteRegion.checkBounds(this, position, len);
        return inflated().slice(position, len);
    }

    private synchronized ByteRegion inflated() throws IOException {
        if (inflated == null) {
            budget.take(file, name, length);
            inflated = length <= MAX_IN_MEMORY ? inflateToMemory() : inflateToTempFile();
        }
        return inflated;
    }

    private ByteRegion inflateToMemory() throws IOException {
        ByteBuffer out = ByteBuffer.allocate((int) length);
        inflate(chunk -> out.put(chunk));
        return new HeapRegion(out.flip());
    }

    private ByteRegion inflateToTempFile() throws IOException {
        temp = Files.createTempFile("ckpt-inflated-", ".bin");
        temp.toFile().deleteOnExit();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            inflate(chunk -> {
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            });
        }
        tempMapping = MappedFile.open(temp);
        return tempMapping;
    }

    private interface Sink {
        void accept(ByteBuffer chunk) throws IOException;
    }

    private void inflate(Sink sink) throws IOException {
        Inflater inflater = new Inflater(true);
        try {
            byte[] out = new byte[1 << 16];
            long in = 0;
            long produced = 0;
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    if (in == compressed.length()) {
                        break;
                    }
                    int n = (int) Math.min(1 << 20, compressed.length() - in);
                    inflater.setInput(compressed.slice(in, n));
                    in += n;
                }
                int n = (int) Math.min(inflater.inflate(out), length - produced);
                produced += n;
                sink.accept(ByteBuffer.wrap(out, 0, n));
                if (produced == length) {
                    break;
                }
                if (n == 0 && inflater.needsDictionary()) {
                    break;
                }
            }
            if (produced != length) {
                throw new CheckpointException(CheckpointException.Kind.CORRUPT, file + ": " + "record " + name + " inflates to " + produced
                        + " bytes but its directory entry declares " + length + " (truncated or corrupt)");
            }
        } catch (DataFormatException e) {
            throw new CheckpointException(CheckpointException.Kind.CORRUPT, file + ": " + "record " + name + " is not valid DEFLATE data: "
                    + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (tempMapping != null) {
            tempMapping.close();
        }
        if (temp != null) {
            Files.deleteIfExists(temp);
        }
    }
}
