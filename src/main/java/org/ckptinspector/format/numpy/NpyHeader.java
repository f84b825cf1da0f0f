package org.ckptinspector.format.numpy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header dict of a {@code .npy} file, parsed as a Python literal by a small parser (numpy uses
 * {@code ast.literal_eval}; nothing is evaluated here): strings, ints (Python 2's {@code L} suffix allowed),
 * True/False/None, tuples, lists and dicts, nested at most {@value #MAX_DEPTH} deep.
 *
 * @param descr the type string ({@code <f4}), or null for a structured dtype (a list of fields)
 * @param shape non-negative dimensions
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {
    private static final int MAX_DEPTH = 16;

    /** The header, or an exception whose message says what is wrong with it. */
    static NpyHeader parse(String text) {
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
        if (!(descr instanceof String) && !(descr instanceof List<?>)) {
            throw new IllegalArgumentException("descr is neither a type string nor a list of fields");
        }
        return new NpyHeader(descr instanceof String s ? s : null, fortran, shape);
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
                    return string(c);
                default:
                    return atom();
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

        private String string(char quote) {
            StringBuilder b = new StringBuilder();
            pos++;
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c == '\\') {
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
