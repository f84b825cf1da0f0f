package org.ckptinspector.pickle;

import java.io.ByteArrayOutputStream;
import java.util.function.Supplier;
import org.ckptinspector.model.CheckpointException;

/** Decoders for protocol 0's text arguments: STRING's quoted literal and UNICODE's raw-unicode-escape. */
final class PickleText {
    private PickleText() {}

    /** STRING: strips matching quotes and applies Python's {@code codecs.escape_decode}. */
    static byte[] unquoteString(byte[] raw, Supplier<CheckpointException> malformed) throws CheckpointException {
        int n = raw.length;
        if (n < 2 || raw[0] != raw[n - 1] || (raw[0] != '\'' && raw[0] != '"')) {
            throw malformed.get();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        int i = 1;
        int end = n - 1;
        while (i < end) {
            byte c = raw[i++];
            if (c != '\\' || i >= end) {
                out.write(c);
                continue;
            }
            byte e = raw[i++];
            switch (e) {
                case '\n' -> { }
                case '\\', '\'', '"' -> out.write(e);
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'v' -> out.write(11);
                case 'x' -> {
                    if (i + 2 > end || hex(raw[i]) < 0 || hex(raw[i + 1]) < 0) {
                        throw malformed.get();
                    }
                    out.write(hex(raw[i]) * 16 + hex(raw[i + 1]));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i < end && raw[i] >= '0' && raw[i] <= '7'; k++) {
                            v = v * 8 + (raw[i++] - '0');
                        }
                        out.write(v & 0xff);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** UNICODE: bytes are Latin-1 characters except {@code \\uXXXX} and {@code \\UXXXXXXXX} escapes. */
    static String decodeRawUnicodeEscape(byte[] raw) {
        StringBuilder sb = new StringBuilder(raw.length);
        int i = 0;
        while (i < raw.length) {
            int c = raw[i] & 0xff;
            if (c == '\\') {
                int run = 0;
                while (i + run < raw.length && raw[i + run] == '\\') {
                    run++;
                }
                // Only a backslash that is not itself escaped (odd run) can start a \\u escape.
                for (int k = 0; k < run - 1; k++) {
                    sb.append('\\');
                }
                i += run - 1;
                int digits = i + 1 < raw.length && raw[i + 1] == 'u' ? 4 : i + 1 < raw.length && raw[i + 1] == 'U'
                        ? 8 : 0;
                if (run % 2 == 1 && digits > 0 && i + 2 + digits <= raw.length && allHex(raw, i + 2, digits)) {
                    int cp = Integer.parseUnsignedInt(new String(raw, i + 2, digits,
                            java.nio.charset.StandardCharsets.ISO_8859_1), 16);
                    if (Character.isValidCodePoint(cp)) {
                        sb.appendCodePoint(cp);
                    } else {
                        sb.append('\ufffd');
                    }
                    i += 2 + digits;
                } else {
                    sb.append('\\');
                    i++;
                }
            } else {
                sb.append((char) c);
                i++;
            }
        }
        return sb.toString();
    }

    private static boolean allHex(byte[] raw, int from, int n) {
        for (int k = from; k < from + n; k++) {
            if (hex(raw[k]) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
