package org.ckptinspector.pickle;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;

/**
 * Reads a pickle opcode by opcode without interpreting it: each {@link #next()} returns the opcode, its byte
 * offset and its decoded argument. Every length read from the input is checked against the bytes that remain
 * before anything is allocated, so a truncated or hostile pickle ends in a {@link CheckpointException}, never in
 * an OutOfMemoryError. Byte-string arguments come back as views of the input, not copies.
 *
 * <p>Offsets are relative to the start of the given region; to read a pickle that starts inside a larger file,
 * pass {@code file.region(start, length)}. Reading stops after STOP; {@link #position()} then tells where the
 * next pickle (if any) begins.
 */
public final class PickleReader {
    /** Longest text line (GLOBAL module/name, INT/LONG/FLOAT text, PERSID, STRING, UNICODE) accepted. */
    public static final int MAX_LINE_BYTES = 1 << 20;
    /**
     * Longest str (UTF-8 bytes) decoded into a Java String. Decoding briefly needs up to three times as much heap,
     * so this stays well inside a 256 MiB heap; protocol 2 pickles bytes (numpy arrays) as such strings.
     */
    public static final long MAX_TEXT_BYTES = 32L << 20;
    /** Longest LONG4 integer, in bytes. */
    public static final long MAX_LONG_BYTES = 1L << 20;

    private static final int WINDOW_BYTES = 1 << 20;

    private final ByteRegion input;
    private final String source;
    private long pos;
    private boolean stopped;
    private ByteBuffer window;
    private long windowStart;

    /**
     * @param input the pickle's bytes (it may continue past the STOP)
     * @param source how error messages name the pickle, e.g. {@code model.pt, record archive/data.pkl}
     */
    public PickleReader(ByteRegion input, String source) {
        this.input = input;
        this.source = source;
    }

    /** A reader over an in-memory pickle. */
    public static PickleReader of(byte[] pickle, String source) {
        return new PickleReader(ByteRegion.of(pickle), source);
    }

    /** False once STOP has been read. */
    public boolean hasNext() {
        return !stopped;
    }

    /** The offset just after the last opcode read (after STOP: where a following pickle would start). */
    public long position() {
        return pos;
    }

    /** How error messages name this pickle. */
    public String source() {
        return source;
    }

    /**
     * Reads the next opcode and its argument.
     *
     * @throws CheckpointException CORRUPT for an unknown opcode, a truncated pickle or a malformed argument;
     *     LIMIT_EXCEEDED for an argument longer than this class's limits
     * @throws IllegalStateException when called after STOP
     */
    public PickleOp next() throws CheckpointException {
        if (stopped) {
            throw new IllegalStateException("the pickle has ended");
        }
        long offset = pos;
        if (pos >= input.length()) {
            throw corrupt("the pickle ends at offset " + pos + " without a STOP opcode (truncated?)");
        }
        int b = u8(null);
        Opcode op = Opcode.of(b);
        if (op == null) {
            // Not String.format, whose first use loads the JDK's locale data: every inspect of a safetensors
            // file comes here, when the scanner tries its first byte as a pickle opcode as torch.load would.
            throw corrupt("unknown pickle opcode 0x" + HexFormat.of().toHexDigits((byte) b) + " at offset " + offset);
        }
        Object arg = argument(op, offset);
        if (op == Opcode.STOP) {
            stopped = true;
        }
        return new PickleOp(op, offset, arg);
    }

    private Object argument(Opcode op, long offset) throws CheckpointException {
        switch (op.argKind()) {
            case NONE:
                return null;
            case UINT1:
                return (long) u8(op);
            case UINT2:
                return (long) u16(op);
            case INT4:
                return (long) i32(op);
            case UINT4:
                return i32(op) & 0xffffffffL;
            case UINT8: {
                long v = i64(op);
                if (v < 0 || v > remaining()) {
                    throw truncated(op, offset, Long.toUnsignedString(v));
                }
                return v;
            }
            case FLOAT8:
                return Double.longBitsToDouble(Long.reverseBytes(i64(op)));  // big-endian
            case LONG1:
                return littleEndianInt(op, offset, u8(op));
            case LONG4: {
                long n = i32(op);
                if (n < 0) {
                    throw corrupt(op + " at offset " + offset + " declares a negative length " + n);
                }
                require(op, offset, n);
                if (n > MAX_LONG_BYTES) {
                    throw limit(op + " at offset " + offset + " declares a " + n + "-byte integer; the limit is "
                            + MAX_LONG_BYTES);
                }
                return littleEndianInt(op, offset, n);
            }
            case INT_LINE: {
                byte[] line = lineBytes(op, offset);
                return integer(op, offset, line, PythonInts.pickleInt(line));
            }
            case LONG_LINE: {
                byte[] line = lineBytes(op, offset);
                return integer(op, offset, line, PythonInts.pickleLong(line));
            }
            case FLOAT_LINE:
                return parseFloat(op, offset, line(op, offset).strip());
            case ASCII_LINE:
                return line(op, offset);
            case QUOTED_STRING_LINE:
                return PickleText.unquoteString(lineBytes(op, offset), () -> corrupt(op + " at offset " + offset
                        + " has an argument that is not a quoted string literal"));
            case RAW_UNICODE_LINE:
                return PickleText.decodeRawUnicodeEscape(lineBytes(op, offset));
            case GLOBAL_LINES: {
                String module = line(op, offset);
                String name = line(op, offset);
                return new PickleOp.GlobalName(module, name);
            }
            case BYTES1:
                return bytes(op, offset, u8(op));
            case BYTES4:
                return bytes(op, offset, i32(op) & 0xffffffffL);
            case BYTES4_SIGNED: {
                long n = i32(op);
                if (n < 0) {
                    throw corrupt(op + " at offset " + offset + " declares a negative length " + n);
                }
                return bytes(op, offset, n);
            }
            case BYTES8:
                return bytes(op, offset, i64(op));
            case UTF8_1:
                return text(op, offset, u8(op));
            case UTF8_4:
                return text(op, offset, i32(op) & 0xffffffffL);
            case UTF8_8:
                return text(op, offset, i64(op));
            default:
                throw new AssertionError(op.argKind());
        }
    }

    private long remaining() {
        return input.length() - pos;
    }

    /** Checks that {@code n} bytes (a length read from the input) remain; throws before anything is allocated. */
    private void require(Opcode op, long offset, long n) throws CheckpointException {
        if (n < 0 || n > remaining()) {
            throw truncated(op, offset, Long.toUnsignedString(n));
        }
    }

    private int u8(Opcode op) throws CheckpointException {
        int at = fixed(op, 1);
        return window.get(at) & 0xff;
    }

    private int u16(Opcode op) throws CheckpointException {
        int at = fixed(op, 2);
        return window.getShort(at) & 0xffff;
    }

    private int i32(Opcode op) throws CheckpointException {
        int at = fixed(op, 4);
        return window.getInt(at);
    }

    private long i64(Opcode op) throws CheckpointException {
        int at = fixed(op, 8);
        return window.getLong(at);
    }

    /**
     * Makes {@code n ≤ 8} bytes at the current position available in the window, advances past them and returns
     * their index in the window. Read in place, not as a slice: under C1 (the installed {@code inspect})
     * nothing removes the allocation of a slice per argument.
     */
    private int fixed(Opcode op, int n) throws CheckpointException {
        if (n > remaining()) {
            throw corrupt("the pickle ends inside the argument of " + op + " at offset " + pos + " (truncated?)");
        }
        if (!inWindow(pos, n)) {
            windowStart = pos;
            window = read(pos, (int) Math.min(WINDOW_BYTES, remaining()));  // little-endian, position 0
        }
        int at = (int) (pos - windowStart);
        pos += n;
        return at;
    }

    private boolean inWindow(long at, int n) {
        return window != null && at >= windowStart && at + n <= windowStart + window.capacity();
    }

    /**
     * {@code n} bytes at {@code at}, from the window when it holds them: a small pickle is then read from the
     * file once, however often the unpickler reads elsewhere in between (a storage's record header).
     */
    private ByteBuffer slice(long at, int n) throws CheckpointException {
        if (inWindow(at, n)) {
            return window.slice((int) (at - windowStart), n).order(ByteOrder.LITTLE_ENDIAN);
        }
        return read(at, n);
    }

    private ByteBuffer read(long at, int n) throws CheckpointException {
        try {
            return input.slice(at, n);
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Kind.IO, source + ": cannot read the pickle: "
                    + e.getMessage(), e);
        }
    }

    private BigInteger littleEndianInt(Opcode op, long offset, long n) throws CheckpointException {
        require(op, offset, n);
        if (n == 0) {
            return BigInteger.ZERO;
        }
        byte[] be = new byte[(int) n];
        ByteBuffer b = slice(pos, (int) n);
        for (int i = 0; i < n; i++) {
            be[(int) n - 1 - i] = b.get(i);
        }
        pos += n;
        return new BigInteger(be);
    }

    private ByteRegion bytes(Opcode op, long offset, long n) throws CheckpointException {
        require(op, offset, n);
        ByteRegion r = input.region(pos, n);
        pos += n;
        return r;
    }

    private String text(Opcode op, long offset, long n) throws CheckpointException {
        require(op, offset, n);
        if (n > MAX_TEXT_BYTES) {
            throw limit(op + " at offset " + offset + " declares a string of " + n + " bytes; the limit is "
                    + MAX_TEXT_BYTES);
        }
        // Decoding from a byte array, not through a CharBuffer, keeps the peak at about three bytes per byte.
        ByteBuffer b = slice(pos, (int) n);
        byte[] raw;
        int from = 0;
        if (b.hasArray()) {
            raw = b.array();
            from = b.arrayOffset() + b.position();
        } else {
            raw = new byte[(int) n];
            b.get(raw);
        }
        String s = new String(raw, from, (int) n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    private byte[] lineBytes(Opcode op, long offset) throws CheckpointException {
        long max = Math.min(remaining(), MAX_LINE_BYTES + 1L);
        ByteBuffer b = slice(pos, (int) max);
        for (int i = 0; i < max; i++) {
            if (b.get(i) == '\n') {
                byte[] line = new byte[i];
                b.get(0, line);
                pos += i + 1;
                return line;
            }
        }
        if (max > MAX_LINE_BYTES) {
            throw limit("the text argument of " + op + " at offset " + offset + " is longer than "
                    + MAX_LINE_BYTES + " bytes");
        }
        throw corrupt("the pickle ends inside the text argument of " + op + " at offset " + offset
                + " (truncated?)");
    }

    private String line(Opcode op, long offset) throws CheckpointException {
        return new String(lineBytes(op, offset), StandardCharsets.UTF_8);
    }

    /** The value CPython gives an INT or LONG line ({@link PythonInts}); null is its ValueError. */
    private Object integer(Opcode op, long offset, byte[] line, Object value) throws CheckpointException {
        if (value == null) {
            throw corrupt(op + " at offset " + offset + " has a malformed integer '"
                    + abbreviate(new String(line, StandardCharsets.UTF_8)) + "'");
        }
        return value;
    }

    private Double parseFloat(Opcode op, long offset, String text) throws CheckpointException {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "inf", "+inf", "infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            case "nan", "+nan", "-nan":
                return Double.NaN;
            default:
                break;
        }
        try {
            if (text.isEmpty() || !Character.isDigit(text.charAt(text.length() - 1)) && !text.endsWith(".")) {
                throw new NumberFormatException();
            }
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw corrupt(op + " at offset " + offset + " has a malformed float '" + abbreviate(text) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private CheckpointException truncated(Opcode op, long offset, String declared) {
        return corrupt(op + " at offset " + offset + " declares " + declared + " bytes but only " + remaining()
                + " remain in the pickle (truncated or corrupt)");
    }

    private CheckpointException corrupt(String reason) {
        return new MalformedPickle(CheckpointException.Kind.CORRUPT, source + ": " + reason);
    }

    private CheckpointException limit(String reason) {
        return new MalformedPickle(CheckpointException.Kind.LIMIT_EXCEEDED, source + ": " + reason);
    }
}
