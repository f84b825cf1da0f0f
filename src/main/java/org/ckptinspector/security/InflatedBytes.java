package org.ckptinspector.security;

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

/**
 * A DEFLATE record inflated for scanning: into memory up to {@value #MAX_IN_MEMORY} bytes, then spilled to a temp
 * file that {@link #close()} deletes. It inflates no more than the size the directory declares, and the declared
 * sizes of one scan share a {@link Budget}, so a zip bomb costs one directory read, not gigabytes of inflation.
 * What could not be inflated as declared is described by {@link #problem()}.
 */
final class InflatedBytes implements Closeable {
    static final int MAX_IN_MEMORY = 16 << 20;
    private static final int CHUNK = 1 << 16;

    /** The decompressed bytes one scan may produce; pickle records are small, so only a bomb reaches it. */
    static final class Budget {
        static final long MAX_INFLATED_BYTES = 1L << 30;
        private long left = MAX_INFLATED_BYTES;
    }

    private final ByteRegion bytes;
    private final String problem;
    private final MappedFile mapping;
    private final Path temp;

    private InflatedBytes(ByteRegion bytes, String problem, MappedFile mapping, Path temp) {
        this.bytes = bytes;
        this.problem = problem;
        this.mapping = mapping;
        this.temp = temp;
    }

    /** What was inflated, possibly less than the whole stream when {@link #problem()} is not null. */
    ByteRegion bytes() {
        return bytes;
    }

    /** Why inflation stopped before the end of the stream, or null. */
    String problem() {
        return problem;
    }

    /**
     * Inflates at most {@code declared} bytes, the size the archive's directory gives; a stream that holds more or
     * fewer, or a declared size beyond what is left of the budget, is a {@link #problem()}.
     */
    static InflatedBytes inflate(ByteRegion compressed, long declared, Budget budget) throws IOException {
        if (declared < 0 || declared > budget.left) {
            return new Output().finish("it declares " + Long.toUnsignedString(declared) + " bytes, more than the "
                    + Budget.MAX_INFLATED_BYTES + " bytes a scan inflates in all (a zip bomb?)");
        }
        budget.left -= declared;
        Output out = new Output();
        Inflater inflater = new Inflater(true);
        try {
            return out.finish(inflate(inflater, compressed, declared, out));
        } catch (IOException | RuntimeException e) {
            out.discard();
            throw e;
        } finally {
            inflater.end();
        }
    }

    /** Runs the inflater into {@code out}; returns why it stopped early or overran, or null. */
    private static String inflate(Inflater inflater, ByteRegion compressed, long declared, Output out)
            throws IOException {
        byte[] chunk = new byte[CHUNK];
        long in = 0;
        long produced = 0;
        try {
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    if (in == compressed.length()) {
                        return "the DEFLATE stream ends after " + produced + " of the " + declared
                                + " declared bytes (truncated?)";
                    }
                    int n = (int) Math.min(1 << 20, compressed.length() - in);
                    inflater.setInput(compressed.slice(in, n));
                    in += n;
                }
                if (inflater.needsDictionary()) {
                    return "the DEFLATE stream needs a preset dictionary";
                }
                int room = (int) Math.min(CHUNK, declared - produced);
                int n = inflater.inflate(chunk, 0, Math.max(room, 1));
                if (n > room) {
                    return "it inflates to more than the " + declared + " bytes its directory entry declares "
                            + "(a zip bomb?)";
                }
                produced += n;
                out.write(chunk, n);
            }
        } catch (DataFormatException e) {
            return "it is not valid DEFLATE data (" + e.getMessage() + ")";
        }
        return produced == declared ? null : "it inflates to " + produced + " bytes, not the " + declared
                + " its directory entry declares";
    }

    /** Collects output in memory, moving it to a temp file once it outgrows {@link #MAX_IN_MEMORY}. */
    private static final class Output {
        private ByteBuffer memory = ByteBuffer.allocate(CHUNK);
        private Path temp;
        private FileChannel channel;

        void write(byte[] b, int n) throws IOException {
            if (channel == null && memory.remaining() < n) {
                if (memory.capacity() >= MAX_IN_MEMORY) {
                    temp = Files.createTempFile("ckpt-scan-", ".pkl");
                    channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    writeFully(memory.flip());
                } else {
                    ByteBuffer grown = ByteBuffer.allocate(Math.min(MAX_IN_MEMORY, memory.capacity() * 2));
                    memory = grown.put(memory.flip());
                }
            }
            if (channel != null) {
                writeFully(ByteBuffer.wrap(b, 0, n));
            } else {
                memory.put(b, 0, n);
            }
        }

        private void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        InflatedBytes finish(String problem) throws IOException {
            if (channel == null) {
                return new InflatedBytes(new HeapRegion(memory.flip()), problem, null, null);
            }
            channel.close();
            MappedFile mapped = MappedFile.open(temp);
            return new InflatedBytes(mapped, problem, mapped, temp);
        }

        void discard() throws IOException {
            if (channel != null) {
                channel.close();
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (mapping != null) {
            mapping.close();
            Files.deleteIfExists(temp);
        }
    }
}
