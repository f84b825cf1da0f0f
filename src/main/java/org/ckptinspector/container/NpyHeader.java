package org.ckptinspector.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.ckptinspector.io.ByteRegion;

/**
 * The header of a {@code .npy} payload as {@code numpy.lib.format.read_array} reads it (magic, version, header
 * length, then the header dict parsed as a Python literal by a small parser: numpy uses {@code ast.literal_eval};
 * nothing is evaluated here). The reader and the scanner both read arrays through this class.
 *
 * @param descr the dtype description: a type string ({@code <f4}), a list of fields, or a (type, shape) tuple
 * @param shape non-negative dimensions
 * @param dataStart the offset of the array's bytes
 */
public record NpyHeader(Object descr, boolean fortranOrder, long[] shape, long dataStart) {
    /** numpy's {@code _MAX_HEADER_SIZE}. */
    public static final int MAX_HEADER = 10_000;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_DEPTH = 16;
    /**
     * Type strings that cannot hold Python objects. Everything else numpy's {@code dtype()} accepts
     * ({@code 'O'}, {@code 'object'}, {@code 'i4,O'}, {@code '(2,)O'}, …) may, so the scanner treats it as a pickle.
     */
    private static final Pattern PLAIN = Pattern.compile(
            "[<>|=]?(?:[?bBhHiIlLqQpPefdgFDG]|[biufc]\\d{1,2}|[SUaV]\\d*|[Mm]8(?:\\[\\d*\\w+\\])?)");

    /** Why a payload is not an array numpy reads. */
    public enum Problem { NOT_NPY, CORRUPT, UNSUPPORTED, LIMIT }

    /** A payload numpy refuses, or (for {@link Problem#CORRUPT} with a data offset) one this parser cannot read. */
    public static final class Invalid extends Exception {
        private final Problem problem;
        private final long dataStart;

        Invalid(Problem problem, String message, long dataStart) {
            super(message);
            this.problem = problem;
            this.dataStart = dataStart;
        }

        /** What is wrong. */
        public Problem problem() {
            return problem;
        }

        /** Where the array's bytes start when the framing was read but the dict was not, else -1. */
        public long dataStart() {
            return dataStart;
        }
    }

    /** True when the bytes start with the {@code .npy} magic. */
    public static boolean sniff(ByteRegion bytes) throws IOException {
        return bytes.length() >= MAGIC.length && sniff(bytes.slice(0, MAGIC.length));
    }

    /** True when {@code b} starts with the {@code .npy} magic. */
    public static boolean sniff(ByteBuffer b) {
        if (b.remaining() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads the header at the start of {@code bytes}. */
    public static NpyHeader read(ByteRegion bytes) throws IOException, Invalid {
        long length = bytes.length();
        if (length < 10 || !sniff(bytes)) {
            throw new Invalid(Problem.NOT_NPY, "does not start with the NPY magic", -1);
        }
        ByteBuffer b = bytes.slice(0, (int) Math.min(12, length)).order(ByteOrder.LITTLE_ENDIAN);
        int major = b.get(6) & 0xFF;
        if (major < 1 || major > 3 || b.get(7) != 0) {
            throw new Invalid(Problem.UNSUPPORTED, "has NPY format version " + major + "." + (b.get(7) & 0xFF)
                    + "; versions 1.0 to 3.0 exist", -1);
        }
        long headerLength = major == 1 ? b.getShort(8) & 0xFFFF : length >= 12 ? b.getInt(8) & 0xFFFF_FFFFL : -1;
        long dataStart = (major == 1 ? 10 : 12) + headerLength;
        if (headerLength < 0 || dataStart > length) {
            throw new Invalid(Problem.CORRUPT, "has an NPY header longer than the data", -1);
        }
        if (headerLength > MAX_HEADER) {
            throw new Invalid(Problem.LIMIT, "has an NPY header of " + headerLength
                    + " bytes, beyond numpy's limit of " + MAX_HEADER, -1);
        }
        ByteBuffer h = bytes.slice(dataStart - headerLength, (int) headerLength);
        String text = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).decode(h).toString();
        try {
            return parse(text.strip(), dataStart);
        } catch (IllegalArgumentException e) {
            throw new Invalid(Problem.CORRUPT, e.getMessage(), dataStart);
        }
    }

    /** The type string, or null when the dtype is a list of fields or a (type, shape) tuple. */
    public String typeString() {
        return descr instanceof String s ? s : null;
    }

    /** False only when the dtype certainly holds no Python objects (numpy's {@code dtype.hasobject}). */
    public boolean mayHoldObjects() {
        return mayHoldObjects(descr, 0);
    }

    private static boolean mayHoldObjects(Object d, int depth) {
        if (d instanceof String s) {
            return !PLAIN.matcher(s).matches();
        }
        if (depth > MAX_DEPTH) {
            return true;
        }
        if (d instanceof Tuple t) {
            return t.items().isEmpty() || mayHoldObjects(t.items().get(0), depth + 1);
        }
        if (d instanceof List<?> fields) {
            for (Object f : fields) {
                List<?> parts = f instanceof Tuple t ? t.items() : f instanceof List<?> l ? l : null;
                if (parts == null || parts.size() < 2 || mayHoldObjects(parts.get(1), depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** The header dict, or an exception whose message says what is wrong with it. */
    static NpyHeader parse(String text, long dataStart) {
        Parser p = new Parser(text);
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw new IllegalArgumentException("the header has text after its dict");
        }
        if (!(v instanceof Map<?, ?> m) || m.size() != 3 || !m.containsKey("descr")
                || !m.containsKey("fortran_order") || !m.containsKey("shape")) {
            throw new IllegalArgumentException("the header is not a dict of exactly descr, fortran_order and shape");
        }
        if (!(m.get("fortran_order") instanceof Boolean fortran)) {
            throw new IllegalArgumentException("fortran_order is not True or False");
        }
        if (!(m.get("shape") instanceof Tuple t)) {
            throw new IllegalArgumentException("shape is not a tuple");
        }
        long[] shape = new long[t.items().size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(t.items().get(i) instanceof Long d) || d < 0) {
                throw new IllegalArgumentException("shape " + text(t) + " is not a tuple of non-negative ints");
            }
            shape[i] = d;
        }
        Object descr = m.get("descr");
        if (!(descr instanceof String) && !(descr instanceof List<?>) && !(descr instanceof Tuple)) {
            throw new IllegalArgumentException("descr is neither a type string nor a list of fields");
        }
        return new NpyHeader(descr, fortran, shape, dataStart);
    }

    private static String text(Tuple t) {
        return t.items().toString();
    }

    /** A Python tuple, told apart from a list. */
    private record Tuple(List<Object> items) {}

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("the header nests more than " + MAX_DEPTH + " deep");
            }
            skipSpace();
            if (pos >= s.length()) {
                throw new IllegalArgumentException("the header ends early");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return dict(depth);
                case '(':
                    return new Tuple(sequence(')', depth));
                case '[':
                    return sequence(']', depth);
                case '\'':
                case '"':
                    return string(c, false);
                default:
                    return prefixedStringOrAtom();
            }
        }

        private Map<Object, Object> dict(int depth) {
            Map<Object, Object> m = new LinkedHashMap<>();
            pos++;
            while (true) {
                skipSpace();
                if (peek('}')) {
                    return m;
                }
                Object k = value(depth + 1);
                skipSpace();
                expect(':');
                Object v = value(depth + 1);
                if (m.put(k, v) != null) {
                    throw new IllegalArgumentException("the header repeats key " + k);
                }
                skipSpace();
                if (!peek(',')) {
                    skipSpace();
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> sequence(char close, int depth) {
            List<Object> items = new ArrayList<>();
            pos++;
            while (true) {
                skipSpace();
                if (peek(close)) {
                    return items;
                }
                items.add(value(depth + 1));
                skipSpace();
                if (!peek(',')) {
                    skipSpace();
                    expect(close);
                    return items;
                }
            }
        }

        /** A string with literal_eval's prefixes ({@code u'|O'}, {@code b'<f4'}, {@code r'…'}), else an atom. */
        private Object prefixedStringOrAtom() {
            int p = pos;
            while (p < s.length() && p - pos < 2 && "uUbBrR".indexOf(s.charAt(p)) >= 0) {
                p++;
            }
            if (p > pos && p < s.length() && (s.charAt(p) == '\'' || s.charAt(p) == '"')) {
                boolean raw = s.substring(pos, p).toLowerCase(Locale.ROOT).contains("r");
                pos = p;
                return string(s.charAt(p), raw);
            }
            return atom();
        }

        private String string(char quote, boolean raw) {
            StringBuilder b = new StringBuilder();
            pos++;
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c == '\\' && !raw) {
                    throw new IllegalArgumentException("escapes in header strings are not supported");
                }
                b.append(c);
            }
            expect(quote);
            return b.toString();
        }

        private Object atom() {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '-'
                    || s.charAt(pos) == '+' || s.charAt(pos) == '_')) {
                pos++;
            }
            String w = s.substring(start, pos);
            switch (w) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return null;
                default:
                    String digits = w.endsWith("L") ? w.substring(0, w.length() - 1) : w;
                    try {
                        return Long.parseLong(digits);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("unexpected '" + (w.isEmpty() ? s.charAt(pos) : w)
                                + "' in the header");
                    }
            }
        }

        private boolean peek(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw new IllegalArgumentException("expected '" + c + "' at character " + pos + " of the header");
            }
        }
    }
}
