package org.ckptinspector;

import java.nio.charset.StandardCharsets;

/** Builds ustar tar headers, for tests that write tar archives by hand. */
public final class UstarHeader {
    private UstarHeader() {}

    /** The 512-byte header of a regular member of {@code size} bytes, checksum filled in. */
    public static byte[] of(String name, long size) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644\0");
        put(h, 124, String.format("%011o", size) + "\0");
        put(h, 136, "00000000000\0");
        h[156] = '0';
        put(h, 257, "ustar\0" + "00");
        put(h, 148, "        ");
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum) + "\0 ");
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
