package org.ckptinspector.pickle;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Integer text as CPython parses it: {@code PyLong_FromString} (what {@code int(s, base)} and the pickle opcodes
 * {@code INT}/{@code LONG} end in) and C {@code strtol} with base 0, which {@code _pickle.c}'s {@code load_int}
 * tries first. Inputs are C strings: whatever follows a NUL byte is not seen.
 */
public final class PythonInts {
    /** CPython's {@code sys.int_info.default_max_str_digits}: longer decimal text is a ValueError. */
    static final int MAX_STR_DIGITS = 4300;

    private PythonInts() {}

    /** The bytes of {@code s} up to its first NUL, as C sees a string. */
    static byte[] cString(byte[] s) {
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return Arrays.copyOf(s, i);
            }
        }
        return s;
    }

    /** {@code Py_ISSPACE}: the six ASCII whitespace characters. */
    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private static int digit(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        return 99;
    }

    /**
     * {@code PyLong_FromString(s, NULL, base)} for base 0 or 2..36: surrounding whitespace, a sign, the 0x/0o/0b
     * prefix (with base 0, or with the matching base), single underscores between digits and after the prefix.
     *
     * @return the value, or null where CPython raises ValueError
     */
    public static BigInteger fromString(byte[] text, int base) {
        byte[] s = cString(text);
        int i = 0;
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        boolean zeroOnly = false;
        int c0 = i < s.length ? s[i] : 0;
        int c1 = i + 1 < s.length ? s[i + 1] | 0x20 : 0;
        if (base == 0) {
            if (c0 != '0') {
                base = 10;
            } else if (c1 == 'x') {
                base = 16;
            } else if (c1 == 'o') {
                base = 8;
            } else if (c1 == 'b') {
                base = 2;
            } else {
                zeroOnly = true;
                base = 10;
            }
        }
        if (c0 == '0' && (base == 16 && c1 == 'x' || base == 8 && c1 == 'o' || base == 2 && c1 == 'b')) {
            i += 2;
            if (i < s.length && s[i] == '_') {
                i++;
            }
        }
        if (i < s.length && s[i] == '_') {
            return null;
        }
        StringBuilder digits = new StringBuilder();
        int prev = 0;
        while (i < s.length && (digit(s[i]) < base || s[i] == '_')) {
            if (s[i] == '_' && prev == '_') {
                return null;
            }
            if (s[i] != '_') {
                digits.append((char) s[i]);
            }
            prev = s[i];
            i++;
        }
        if (prev == '_' || digits.length() == 0) {
            return null;
        }
        if (Integer.bitCount(base) != 1 && digits.length() > MAX_STR_DIGITS) {
            return null;
        }
        BigInteger v = new BigInteger(digits.toString(), base);
        if (zeroOnly && v.signum() != 0) {
            return null;
        }
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        if (i != s.length) {
            return null;
        }
        return negative ? v.negate() : v;
    }

    /**
     * The value of pickle's {@code INT} opcode as {@code _pickle.c load_int} computes it from the line (without its
     * newline): {@code strtol(s, &end, 0)}, accepted when it ends at the newline or a NUL; else
     * {@code PyLong_FromString(s, NULL, 0)}. A three-byte line ({@code 00}, {@code 01}, {@code +1}, {@code " 0"})
     * whose value is 0 or 1 is a bool.
     *
     * @return a Boolean or a BigInteger, or null where CPython raises ValueError
     */
    public static Object pickleInt(byte[] line) {
        byte[] s = cString(line);
        BigInteger strtol = strtolBase0(s);
        if (strtol == null) {
            return fromString(line, 0);
        }
        if (line.length + 1 == 3 && (strtol.signum() == 0 || strtol.equals(BigInteger.ONE))) {
            return strtol.signum() != 0;
        }
        return strtol;
    }

    /** The value of pickle's {@code LONG} opcode: a trailing {@code L} is cut, then {@code PyLong_FromString(s, 0)}. */
    public static BigInteger pickleLong(byte[] line) {
        byte[] s = line.length > 0 && line[line.length - 1] == 'L' ? Arrays.copyOf(line, line.length - 1) : line;
        return fromString(s, 0);
    }

    /**
     * glibc {@code strtol(s, &end, 0)} on a whole C string: the value when the parse ends at the string's end
     * without overflowing a 64-bit long, else null.
     */
    private static BigInteger strtolBase0(byte[] s) {
        int i = 0;
        while (i < s.length && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        int base = 10;
        if (i < s.length && s[i] == '0') {
            if (i + 2 < s.length && (s[i + 1] | 0x20) == 'x' && digit(s[i + 2]) < 16) {
                base = 16;
                i += 2;
            } else {
                base = 8;
            }
        }
        int start = i;
        BigInteger v = BigInteger.ZERO;
        BigInteger b = BigInteger.valueOf(base);
        while (i < s.length && digit(s[i]) < base) {
            v = v.multiply(b).add(BigInteger.valueOf(digit(s[i])));
            if (v.bitLength() > 64) {
                return null;
            }
            i++;
        }
        if (i == start || i != s.length) {
            return null;
        }
        v = negative ? v.negate() : v;
        return v.bitLength() < 64 ? v : null;
    }
}
