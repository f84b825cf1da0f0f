package org.ckptinspector.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.ckptinspector.io.ByteRegion;

/**
 * The {@code .npy} header as {@code numpy.lib.format.read_array} reads it, as far as a scanner needs it: an
 * array whose dtype holds objects is a pickle ({@code pickle.load} of the bytes after the header).
 */
public final class NpyArray {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** An object type code in a descr: 'O', '|O', "<O8" and so on, also inside a structured dtype. */
    private static final Pattern OBJECT = Pattern.compile("['\"][|<>=]?O\\d*['\"]");

    private NpyArray() {}

    /** True when the bytes start with the {@code .npy} magic. */
    public static boolean sniff(ByteRegion bytes) throws IOException {
        if (bytes.length() < MAGIC.length) {
            return false;
        }
        ByteBuffer b = bytes.slice(0, MAGIC.length);
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The pickle of an object array (everything after the header), or null for any other bytes. */
    public static ByteRegion objectPickle(ByteRegion bytes) throws IOException {
        if (!sniff(bytes) || bytes.length() < 10) {
            return null;
        }
        ByteBuffer h = bytes.slice(0, 12 <= bytes.length() ? 12 : 10).order(ByteOrder.LITTLE_ENDIAN);
        int major = h.get(6) & 0xff;
        long headerLength;
        long start;
        if (major == 1) {
            headerLength = h.getShort(8) & 0xffff;
            start = 10;
        } else if (bytes.length() >= 12) {
            headerLength = h.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            return null;
        }
        if (headerLength > bytes.length() - start || headerLength > 1 << 20) {
            return null;
        }
        String header = StandardCharsets.ISO_8859_1.decode(bytes.slice(start, (int) headerLength)).toString();
        if (!OBJECT.matcher(header).find()) {
            return null;
        }
        long data = start + headerLength;
        return bytes.region(data, bytes.length() - data);
    }
}
