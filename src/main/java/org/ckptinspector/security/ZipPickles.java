package org.ckptinspector.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.task.TaskMonitor;

/**
 * Scans every pickle record of a zip archive: each central-directory entry whose name ends in {@code pkl}
 * ({@code data.pkl}, TorchScript's {@code constants.pkl} and {@code .debug_pkl}, any extra one), duplicates and
 * entries outside the archive's root folder included, since which of several equal names a loader picks is its
 * own business. Like torch's miniz it trusts the central directory, takes data offsets from the local headers and
 * ignores CRCs. It walks the directory one entry at a time, so a directory of millions of entries costs no memory.
 */
final class ZipPickles {
    static final byte[] MAGIC = {'P', 'K', 3, 4};
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int EOCD_SIZE = 22;
    private static final int MAX_COMMENT = 0xffff;
    private static final long UNSET32 = 0xffffffffL;

    private final ScanCollector out;
    private final TaskMonitor monitor;
    private final PickleScanner.ContainerPayloads containers;
    private final InflatedBytes.Budget budget;

    ZipPickles(ScanCollector out, TaskMonitor monitor, PickleScanner.ContainerPayloads containers,
            InflatedBytes.Budget budget) {
        this.out = out;
        this.monitor = monitor;
        this.containers = containers;
        this.budget = budget;
    }

    static boolean isZip(ByteRegion bytes) throws IOException {
        return bytes.length() >= MAGIC.length && startsWith(bytes.slice(0, MAGIC.length), MAGIC);
    }

    private static boolean startsWith(ByteBuffer b, byte[] magic) {
        for (int i = 0; i < magic.length; i++) {
            if (b.get(i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Scans the archive in {@code zip}; findings name records {@code prefix + entry name}.
     *
     * @param source how messages name the archive (the file, or the embedding record)
     * @param depth the pickle embedding depth of the archive's records
     */
    void scan(ByteRegion zip, String prefix, String source, int depth) throws IOException {
        Directory dir = directory(zip, source);
        if (dir == null) {
            return;
        }
        long pos = dir.offset();
        for (long i = 0; i < dir.entries(); i++) {
            monitor.checkCancelled();
            if (pos > zip.length() - 46 || zip.slice(pos, 4).getInt(0) != CENTRAL_SIG) {
                out.error(source + ": central directory entry " + i + " at offset " + pos + " is corrupt");
                return;
            }
            ByteBuffer h = zip.slice(pos, 46);
            int flags = h.getShort(8) & 0xffff;
            int method = h.getShort(10) & 0xffff;
            long compressed = h.getInt(20) & UNSET32;
            long size = h.getInt(24) & UNSET32;
            int nameLength = h.getShort(28) & 0xffff;
            int extraLength = h.getShort(30) & 0xffff;
            int commentLength = h.getShort(32) & 0xffff;
            long local = h.getInt(42) & UNSET32;
            long next = pos + 46 + nameLength + extraLength + commentLength;
            if (next > zip.length()) {
                out.error(source + ": central directory entry " + i + " reaches past the end of the archive");
                return;
            }
            String name = new String(bytes(zip.slice(pos + 46, nameLength)), StandardCharsets.UTF_8);
            if (name.endsWith("pkl")) {
                long[] wide = zip64(zip.slice(pos + 46 + nameLength, extraLength), size, compressed, local);
                Entry e = new Entry(prefix + name, flags, method, wide[0], wide[1], wide[2]);
                scanEntry(zip, e, source, depth);
            }
            pos = next;
        }
    }

    private record Directory(long offset, long entries) {}

    private record Entry(String record, int flags, int method, long size, long compressed, long local) {}

    /** Finds the central directory from the end record, preferring its ZIP64 form when a locator is present. */
    private Directory directory(ByteRegion zip, String source) throws IOException {
        long length = zip.length();
        long low = Math.max(0, length - EOCD_SIZE - MAX_COMMENT);
        long eocd = -1;
        if (length >= EOCD_SIZE) {
            ByteBuffer tail = zip.slice(low, (int) (length - low));
            for (long p = length - EOCD_SIZE; p >= low; p--) {
                if (tail.getInt((int) (p - low)) == EOCD_SIG) {
                    eocd = p;
                    break;
                }
            }
        }
        if (eocd < 0) {
            out.error(source + ": starts like a zip archive but has no end of central directory (truncated?)");
            return null;
        }
        ByteBuffer e = zip.slice(eocd, EOCD_SIZE);
        long entries = e.getShort(10) & 0xffff;
        long offset = e.getInt(16) & UNSET32;
        if (eocd >= 20 && zip.slice(eocd - 20, 4).getInt(0) == ZIP64_LOCATOR_SIG) {
            long z = zip.slice(eocd - 20, 20).getLong(8);
            if (z < 0 || z > length - 56 || zip.slice(z, 4).getInt(0) != ZIP64_EOCD_SIG) {
                out.error(source + ": the ZIP64 end of central directory record is missing or corrupt");
                return null;
            }
            ByteBuffer z64 = zip.slice(z, 56);
            entries = z64.getLong(32);
            offset = z64.getLong(48);
        }
        if (offset < 0 || offset > length) {
            out.error(source + ": the central directory offset " + offset + " lies outside the archive");
            return null;
        }
        return new Directory(offset, entries < 0 ? Long.MAX_VALUE : entries);
    }

    /** The sizes and local header offset, taken from the ZIP64 extra field where the 32-bit fields overflow. */
    private static long[] zip64(ByteBuffer extra, long size, long compressed, long local) {
        long[] v = {size, compressed, local};
        int p = 0;
        while (p + 4 <= extra.capacity()) {
            int id = extra.getShort(p) & 0xffff;
            int start = p + 4;
            int end = Math.min(extra.capacity(), start + (extra.getShort(p + 2) & 0xffff));
            int q = start;
            for (int i = 0; id == 1 && i < 3; i++) {
                if (v[i] == UNSET32 && q + 8 <= end) {
                    v[i] = extra.getLong(q);
                    q += 8;
                }
            }
            p = end;
        }
        return v;
    }

    private void scanEntry(ByteRegion zip, Entry e, String source, int depth) throws IOException {
        String where = source + ", record " + e.record();
        if ((e.flags() & 1) != 0) {
            out.warning(where + " is encrypted; torch cannot read it, so it was not scanned");
            return;
        }
        if (e.method() != 0 && e.method() != 8) {
            out.warning(where + " uses compression method " + e.method() + ", which torch cannot read; not "
                    + "scanned");
            return;
        }
        long local = e.local();
        if (local < 0 || local > zip.length() - 30 || zip.slice(local, 4).getInt(0) != LOCAL_SIG) {
            out.error(where + ": its local header at offset " + local + " is missing or corrupt");
            return;
        }
        ByteBuffer lh = zip.slice(local, 30);
        long data = local + 30 + (lh.getShort(26) & 0xffff) + (lh.getShort(28) & 0xffff);
        long stored = e.method() == 0 ? Math.max(e.size(), e.compressed()) : e.compressed();
        if (stored < 0 || data > zip.length() || stored > zip.length() - data) {
            out.error(where + " reaches past the end of the archive (truncated?)");
            stored = Math.max(0, zip.length() - Math.min(data, zip.length()));
            data = Math.min(data, zip.length());
        }
        ByteRegion raw = zip.region(data, stored);
        PickleScanner scanner = new PickleScanner(out, monitor, containers, depth);
        if (e.method() == 0) {
            scanner.scanRecord(raw, e.record(), where);
            return;
        }
        try (InflatedBytes inflated = InflatedBytes.inflate(raw, e.size(), budget)) {
            if (inflated.problem() != null) {
                out.error(where + " cannot be inflated completely: " + inflated.problem());
            }
            scanner.scanRecord(inflated.bytes(), e.record(), where);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
