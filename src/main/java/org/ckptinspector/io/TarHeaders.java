package org.ckptinspector.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the headers of a tar archive one member at a time, as Python's {@code tarfile} reads them: ustar names
 * with their prefix, GNU long names ({@code L}) and PAX {@code path} records ({@code x}) for the member that
 * follows, base-256 sizes. A member is reported under every name one of those mechanisms gives it, so a scanner
 * that matches any of them sees whatever member Python would pick. The walk ends at the end-of-archive block or
 * the first header whose checksum fails, which is also where Python stops.
 */
public final class TarHeaders {
    private static final int BLOCK = 512;
    /** Longest GNU long name or PAX header read. */
    private static final int MAX_META = 1 << 20;

    /**
     * A member: the names it may go by, its data, and whether it is a regular file (the only kind whose data
     * Python's {@code extractfile} returns).
     */
    public record Member(List<String> names, ByteRegion data, boolean regular) {}

    private final ByteRegion tar;
    private long pos;
    private String problem;

    public TarHeaders(ByteRegion tar) {
        this.tar = tar;
    }

    /** Why the walk stopped before the end-of-archive block, or null. */
    public String problem() {
        return problem;
    }

    /** The next member (GNU long names and PAX headers are folded into the member they describe), or null. */
    public Member next() throws IOException {
        List<String> pending = new ArrayList<>();
        while (pos <= tar.length() - BLOCK) {
            ByteBuffer h = tar.slice(pos, BLOCK);
            if (isZero(h)) {
                return null;
            }
            if (!checksumMatches(h)) {
                problem = "the tar header at offset " + pos + " is corrupt (bad checksum)";
                return null;
            }
            long size = size(h);
            long data = pos + BLOCK;
            if (size < 0 || size > tar.length() - data) {
                problem = "the tar member at offset " + pos + " reaches past the end of the file";
                return null;
            }
            pos = data + (size + BLOCK - 1) / BLOCK * BLOCK;
            byte type = h.get(156);
            String name = text(h, 0, 100);
            String prefix = text(h, 345, 155);
            switch (type) {
                case 'L' -> pending.add(meta(data, size));
                case 'x', 'X' -> pending.addAll(paxPaths(meta(data, size)));
                default -> {
                    List<String> names = new ArrayList<>(pending);
                    names.add(name);
                    if (!prefix.isEmpty()) {
                        names.add(prefix + "/" + name);
                    }
                    boolean regular = type == '0' || type == 0 || type == '7';
                    return new Member(names, tar.region(data, size), regular);
                }
            }
        }
        if (pos < tar.length()) {
            problem = "the tar archive ends inside the header at offset " + pos + " (truncated?)";
        }
        return null;
    }

    private String meta(long at, long size) throws IOException {
        return new String(bytes(tar.slice(at, (int) Math.min(size, MAX_META))), StandardCharsets.UTF_8);
    }

    /** The {@code path} values of PAX records {@code "<length> path=<value>\n"}. */
    private static List<String> paxPaths(String records) {
        List<String> paths = new ArrayList<>();
        for (String line : records.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.startsWith("path=", space + 1)) {
                paths.add(line.substring(space + 1 + "path=".length()));
            }
        }
        return paths;
    }

    private static boolean isZero(ByteBuffer h) {
        for (int i = 0; i < BLOCK; i++) {
            if (h.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Python accepts the unsigned and the signed sum of the header with the checksum field read as spaces. */
    public static boolean checksumMatches(ByteBuffer h) {
        long stored = octal(h, 148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h.get(i);
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        return stored >= 0 && (stored == unsigned || stored == signed);
    }

    /** The size field: octal text, or GNU base-256 when its first byte has the high bit set. */
    private static long size(ByteBuffer h) {
        if ((h.get(124) & 0x80) != 0) {
            long v = h.get(124) & 0x7f;
            for (int i = 125; i < 136; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    return -1;
                }
                v = v << 8 | (h.get(i) & 0xff);
            }
            return v;
        }
        return octal(h, 124, 12);
    }

    /** Octal text up to the first NUL, spaces ignored; -1 when malformed. */
    private static long octal(ByteBuffer h, int at, int len) {
        long v = 0;
        for (int i = at; i < at + len; i++) {
            int c = h.get(i);
            if (c == 0) {
                break;
            }
            if (c == ' ') {
                continue;
            }
            if (c < '0' || c > '7' || v > (Long.MAX_VALUE >> 3)) {
                return -1;
            }
            v = v * 8 + c - '0';
        }
        return v;
    }

    private static String text(ByteBuffer h, int at, int len) {
        int end = at;
        while (end < at + len && h.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - at];
        h.get(at, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
