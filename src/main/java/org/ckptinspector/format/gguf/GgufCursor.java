package org.ckptinspector.format.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;

/**
 * Sequential little-endian reads through a GGUF header, a window of the mapped file at a time, so a tokenizer
 * array of 150,000 strings costs no slice per string. Every read is checked against the end of the file.
 */
final class GgufCursor {
    private static final int WINDOW = 1 << 20;
    /** gguf.cpp's GGUF_MAX_STRING_LENGTH. */
    static final long MAX_STRING = 1L << 30;

    private final Path file;
    private final ByteRegion bytes;
    private ByteBuffer window = ByteBuffer.allocate(0);
    private long windowStart;
    private long pos;

    GgufCursor(Path file, ByteRegion bytes, long pos) {
        this.file = file;
        this.bytes = bytes;
        this.pos = pos;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return bytes.length() - pos;
    }

    private ByteBuffer need(int n) throws IOException {
        if (n > remaining()) {
            throw CheckpointException.corrupt(file, "the GGUF header ends early: " + n + " more bytes needed at "
                    + "offset " + pos + " of " + bytes.length());
        }
        long within = pos - windowStart;
        if (within < 0 || within + n > window.limit()) {
            windowStart = pos;
            window = bytes.slice(pos, (int) Math.min(Math.max(WINDOW, n), remaining()));
            within = 0;
        }
        window.position((int) within);
        pos += n;
        return window;
    }

    int u8() throws IOException {
        return need(1).get() & 0xFF;
    }

    short i16() throws IOException {
        return need(2).getShort();
    }

    int i32() throws IOException {
        return need(4).getInt();
    }

    long i64() throws IOException {
        return need(8).getLong();
    }

    float f32() throws IOException {
        return need(4).getFloat();
    }

    double f64() throws IOException {
        return need(8).getDouble();
    }

    /** A count or length that must be non-negative and fit in what is left of the file at {@code minBytes} each. */
    long count(String what, long minBytes) throws IOException {
        long n = i64();
        if (n < 0 || minBytes > 0 && n > remaining() / minBytes) {
            throw CheckpointException.corrupt(file, what + " " + Long.toUnsignedString(n) + " at offset "
                    + (pos - 8) + " cannot fit in the rest of the file");
        }
        return n;
    }

    String string(String what) throws IOException {
        long n = count(what + " length", 1);
        if (n > MAX_STRING) {
            throw CheckpointException.limit(file, what + " of " + n + " bytes exceeds the limit of " + MAX_STRING);
        }
        byte[] b = new byte[(int) n];
        int done = 0;
        while (done < n) {
            int k = (int) Math.min(WINDOW, n - done);
            need(k).get(b, done, k);
            done += k;
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    void skip(long n) throws IOException {
        if (n < 0 || n > remaining()) {
            throw CheckpointException.corrupt(file, "the GGUF header ends early at offset " + pos);
        }
        pos += n;
    }
}
