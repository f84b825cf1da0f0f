package org.ckptinspector.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipException;

/**
 * Walks a zip archive's central directory one entry at a time, holding none of them: found from the end record
 * (its ZIP64 form when a locator is present, as torch's miniz prefers it), entries decoded with their ZIP64 extra
 * fields. Lets callers count or filter the entries of a hostile archive before anything keeps them all.
 */
public final class ZipDirectory {
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int LOCAL_SIZE = 30;
    private static final int EOCD_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final int MAX_COMMENT = 0xffff;
    private static final long UNSET32 = 0xffffffffL;

    /** One central-directory entry; sizes and offset are already widened from the ZIP64 extra field. */
    public record Entry(String name, int flags, int method, long size, long compressedSize, long localHeaderOffset) {
        /**
         * Where the entry's data start in {@code zip}: after its local header, whose name and extra field may
         * differ in length from the central directory's.
         *
         * @throws ZipException when no local header lies at the entry's offset
         */
        public long dataOffset(ByteRegion zip) throws IOException {
            long local = localHeaderOffset;
            if (local < 0 || local > zip.length() - LOCAL_SIZE || zip.slice(local, 4).getInt(0) != LOCAL_SIG) {
                throw new ZipException("the local header of " + name + " at offset " + local
                        + " is missing or corrupt");
            }
            ByteBuffer h = zip.slice(local, LOCAL_SIZE);
            return local + LOCAL_SIZE + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
        }
    }

    private final ByteRegion zip;
    private final long declaredEntries;
    private long pos;

    private ZipDirectory(ByteRegion zip, long offset, long declaredEntries) {
        this.zip = zip;
        this.pos = offset;
        this.declaredEntries = declaredEntries;
    }

    /**
     * Locates the central directory of {@code zip}.
     *
     * @throws ZipException when there is no end record, or it points outside the archive
     */
    public static ZipDirectory of(ByteRegion zip) throws IOException {
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
            throw new ZipException("no end of central directory record (truncated?)");
        }
        ByteBuffer e = zip.slice(eocd, EOCD_SIZE);
        long entries = e.getShort(10) & 0xffff;
        long offset = e.getInt(16) & UNSET32;
        if (eocd >= 20 && zip.slice(eocd - 20, 4).getInt(0) == ZIP64_LOCATOR_SIG) {
            long z = zip.slice(eocd - 20, 20).getLong(8);
            if (z < 0 || z > length - 56 || zip.slice(z, 4).getInt(0) != ZIP64_EOCD_SIG) {
                throw new ZipException("the ZIP64 end of central directory record is missing or corrupt");
            }
            ByteBuffer z64 = zip.slice(z, 56);
            entries = z64.getLong(32);
            offset = z64.getLong(48);
        }
        if (offset < 0 || offset > length) {
            throw new ZipException("the central directory offset " + offset + " lies outside the archive");
        }
        return new ZipDirectory(zip, offset, entries < 0 ? Long.MAX_VALUE : entries);
    }

    /** The number of entries the end record declares (unsigned values beyond 2^63 read as Long.MAX_VALUE). */
    public long declaredEntries() {
        return declaredEntries;
    }

    /** True when another central-directory entry header follows. */
    public boolean hasNext() throws IOException {
        return pos <= zip.length() - CENTRAL_SIZE && zip.slice(pos, 4).getInt(0) == CENTRAL_SIG;
    }

    /**
     * The next entry.
     *
     * @throws ZipException when no entry header follows or the entry reaches past the archive
     */
    public Entry next() throws IOException {
        if (!hasNext()) {
            throw new ZipException("central directory entry at offset " + pos + " is corrupt");
        }
        ByteBuffer h = zip.slice(pos, CENTRAL_SIZE);
        int nameLength = h.getShort(28) & 0xffff;
        int extraLength = h.getShort(30) & 0xffff;
        int commentLength = h.getShort(32) & 0xffff;
        long end = pos + CENTRAL_SIZE + nameLength + extraLength + commentLength;
        if (end > zip.length()) {
            throw new ZipException("central directory entry at offset " + pos + " reaches past the archive");
        }
        ByteBuffer nameBytes = zip.slice(pos + CENTRAL_SIZE, nameLength);
        String name = StandardCharsets.UTF_8.decode(nameBytes).toString();
        long[] wide = widen(zip.slice(pos + CENTRAL_SIZE + nameLength, extraLength), h.getInt(24) & UNSET32,
                h.getInt(20) & UNSET32, h.getInt(42) & UNSET32);
        pos = end;
        return new Entry(name, h.getShort(8) & 0xffff, h.getShort(10) & 0xffff, wide[0], wide[1], wide[2]);
    }

    /** Sizes and local header offset from the ZIP64 extra field (id 1) where the 32-bit fields are all ones. */
    private static long[] widen(ByteBuffer extra, long size, long compressed, long local) {
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
}
