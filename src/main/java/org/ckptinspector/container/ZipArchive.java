package org.ckptinspector.container;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;

/**
 * A zip archive read by the rules of the miniz reader inside torch's {@code PyTorchStreamReader}
 * (docs/container-rules.md §2): the end record is searched backwards from the end, its counts and sizes must agree,
 * exactly the entries it declares are parsed (each checked as miniz checks it), and a name is looked up with
 * miniz's ASCII-case-insensitive binary search over its heap-sorted index, so of several entries that match, the
 * one torch reads is the one {@link #locate} returns. Entries after the declared count, invisible to torch but
 * seen by Python's zipfile, are {@link #entries() listed} too, marked undeclared.
 */
public final class ZipArchive implements Closeable {
    static final byte[] MAGIC = {'P', 'K', 3, 4};
    private static final int EOCD_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_EOCD_SIG = 0x06064b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int LOCAL_SIG = 0x04034b50;
    private static final int LOCAL_SIZE = 30;
    private static final int EOCD_SIZE = 22;
    private static final int CENTRAL_SIZE = 46;
    private static final long UNSET32 = 0xffffffffL;
    /** Most entries read; a torch file has one per storage. */
    public static final int MAX_ENTRIES = 100_000;

    private final ByteRegion zip;
    private final String source;
    private final List<ZipEntry> entries;
    private final int declared;
    private final int[] sorted;
    private final InflatedRecord.Budget budget = new InflatedRecord.Budget();
    private final List<Closeable> inflated = new ArrayList<>();

    private ZipArchive(ByteRegion zip, String source, List<ZipEntry> entries, int declared) {
        this.zip = zip;
        this.source = source;
        this.entries = entries;
        this.declared = declared;
        this.sorted = sortedIndex(entries.subList(0, declared));
    }

    /** True when the bytes start with a local header signature, which is all {@code torch.load} checks. */
    public static boolean sniff(ByteRegion bytes) throws IOException {
        if (bytes.length() < MAGIC.length) {
            return false;
        }
        ByteBuffer b = bytes.slice(0, MAGIC.length);
        return b.get(0) == MAGIC[0] && b.get(1) == MAGIC[1] && b.get(2) == MAGIC[2] && b.get(3) == MAGIC[3];
    }

    /**
     * Reads the central directory as {@code mz_zip_reader_init} does.
     *
     * @param source how messages name the archive
     * @throws CheckpointException (CORRUPT) where miniz refuses the archive, with miniz's reason
     */
    public static ZipArchive open(ByteRegion zip, String source) throws IOException {
        long length = zip.length();
        long eocd = locateEndRecord(zip);
        if (eocd < 0) {
            throw corrupt(source, "no end of central directory record (truncated?)");
        }
        ByteBuffer e = zip.slice(eocd, EOCD_SIZE);
        long disk = e.getShort(4) & 0xffff;
        long cdirDisk = e.getShort(6) & 0xffff;
        long onDisk = e.getShort(8) & 0xffff;
        long total = e.getShort(10) & 0xffff;
        long cdirSize = e.getInt(12) & UNSET32;
        long cdirOffset = e.getInt(16) & UNSET32;
        if (eocd >= 20 && zip.slice(eocd - 20, 4).getInt(0) == ZIP64_LOCATOR_SIG) {
            long z = zip.slice(eocd - 20, 20).getLong(8);
            if (z >= 0 && z <= length - 56 && zip.slice(z, 4).getInt(0) == ZIP64_EOCD_SIG) {
                ByteBuffer z64 = zip.slice(z, 56);
                disk = z64.getInt(16) & UNSET32;
                cdirDisk = z64.getInt(20) & UNSET32;
                onDisk = z64.getLong(24);
                total = z64.getLong(32);
                cdirSize = z64.getLong(40);
                cdirOffset = z64.getLong(48);
                if (total < 0 || onDisk < 0 || cdirSize < 0 || cdirSize > UNSET32) {
                    throw corrupt(source, "the ZIP64 end record declares sizes torch cannot read");
                }
            }
        }
        if (total != onDisk || (disk | cdirDisk) != 0 && !(disk == 1 && cdirDisk == 1)) {
            throw corrupt(source, "the end record's entry counts or disk numbers disagree (" + total + " entries, "
                    + onDisk + " on this disk); torch refuses the archive");
        }
        if (cdirSize < total * CENTRAL_SIZE || cdirOffset < 0 || cdirOffset + cdirSize > length) {
            throw corrupt(source, "the end record's central directory size or offset does not fit the file; torch "
                    + "refuses the archive");
        }
        if (total == 0) {
            throw corrupt(source, "the zip archive has no entries (torch: archive does not contain any files)");
        }
        if (total > MAX_ENTRIES) {
            throw new CheckpointException(CheckpointException.Kind.LIMIT_EXCEEDED, source + ": the zip archive "
                    + "has more than " + MAX_ENTRIES + " records (" + total + "), beyond this reader's limit");
        }
        List<ZipEntry> entries = new ArrayList<>();
        long pos = cdirOffset;
        long cdirEnd = cdirOffset + cdirSize;
        for (int i = 0; i < total; i++) {
            ByteBuffer h = centralHeader(zip, pos);
            if (h == null) {
                throw corrupt(source, "central directory entry " + i + " of the " + total + " the end record "
                        + "declares is missing (torch refuses the archive)");
            }
            entries.add(entry(zip, source, pos, h, i, true, cdirEnd));
            pos = recordEnd(pos, h);
        }
        for (int i = (int) total; i < MAX_ENTRIES; i++) {
            ByteBuffer h = centralHeader(zip, pos);
            if (h == null) {
                break;
            }
            try {
                entries.add(entry(zip, source, pos, h, i, false, length));
            } catch (CheckpointException ex) {
                break;
            }
            pos = recordEnd(pos, h);
        }
        return new ZipArchive(zip, source, List.copyOf(entries), (int) total);
    }

    /** The last end-record signature with room for the record, within 64 KiB + 22 bytes of the end. */
    private static long locateEndRecord(ByteRegion zip) throws IOException {
        long length = zip.length();
        if (length < EOCD_SIZE) {
            return -1;
        }
        long low = Math.max(0, length - EOCD_SIZE - 0xffff);
        ByteBuffer tail = zip.slice(low, (int) (length - low));
        for (long p = length - EOCD_SIZE; p >= low; p--) {
            if (tail.getInt((int) (p - low)) == EOCD_SIG) {
                return p;
            }
        }
        return -1;
    }

    /** The fixed part of the central record at {@code pos}, or null when none starts there. */
    private static ByteBuffer centralHeader(ByteRegion zip, long pos) throws IOException {
        if (pos > zip.length() - CENTRAL_SIZE) {
            return null;
        }
        ByteBuffer h = zip.slice(pos, CENTRAL_SIZE);
        return h.getInt(0) == CENTRAL_SIG ? h : null;
    }

    /** Where the central record at {@code pos}, with fixed part {@code h}, ends. */
    private static long recordEnd(long pos, ByteBuffer h) {
        return pos + CENTRAL_SIZE + (h.getShort(28) & 0xffff) + (h.getShort(30) & 0xffff)
                + (h.getShort(32) & 0xffff);
    }

    /** One central record, with the checks {@code mz_zip_reader_read_central_dir} makes. */
    private static ZipEntry entry(ByteRegion zip, String source, long pos, ByteBuffer h, int index,
            boolean declared, long end) throws IOException {
        int nameLength = h.getShort(28) & 0xffff;
        int extraLength = h.getShort(30) & 0xffff;
        if (recordEnd(pos, h) > end) {
            throw corrupt(source, "central directory entry " + index + " reaches past the directory");
        }
        byte[] name = new byte[nameLength];
        zip.slice(pos + CENTRAL_SIZE, nameLength).get(name);
        int method = h.getShort(10) & 0xffff;
        int flags = h.getShort(8) & 0xffff;
        long[] wide = widen(zip.slice(pos + CENTRAL_SIZE + nameLength, extraLength), h.getInt(24) & UNSET32,
                h.getInt(20) & UNSET32, h.getInt(42) & UNSET32);
        long size = wide[0];
        long compressed = wide[1];
        long local = wide[2];
        int diskStart = h.getShort(34) & 0xffff;
        if (size < 0 || compressed < 0 || local < 0) {
            throw corrupt(source, where(index, name) + " declares a size or offset beyond 2^63 bytes; torch "
                    + "refuses the archive");
        }
        if (method == 0 && size != compressed || size != 0 && compressed == 0) {
            throw corrupt(source, where(index, name) + " declares inconsistent sizes; torch refuses the archive");
        }
        if (diskStart != 0 && diskStart != 1) {
            throw corrupt(source, where(index, name) + " starts on another disk; torch refuses the archive");
        }
        if (compressed != UNSET32 && (local < 0 || compressed < 0 || local + LOCAL_SIZE + compressed > zip.length())) {
            throw corrupt(source, where(index, name) + " reaches past the end of the file; torch refuses the "
                    + "archive");
        }
        if ((flags & 1 << 13) != 0) {
            throw corrupt(source, where(index, name) + " has a masked local header (encrypted directory); torch "
                    + "refuses it");
        }
        return new ZipEntry(index, name, flags, method, size, compressed, local, h.getInt(38), declared);
    }

    /** How messages name a record read; made only for a message. */
    private static String named(ZipEntry e) {
        return "record " + e.name();
    }

    /** How messages name a central record; made only for a message. */
    private static String where(int index, byte[] name) {
        return "central directory entry " + index + " (" + new String(name, java.nio.charset.StandardCharsets.UTF_8)
                + ")";
    }

    /** Sizes and local header offset from the ZIP64 extra field (id 1) where the 32-bit fields are all ones. */
    private static long[] widen(ByteBuffer extra, long size, long compressed, long local) {
        long[] v = {size, compressed, local};
        int p = 0;
        while (p + 4 <= extra.capacity()) {
            int id = extra.getShort(p) & 0xffff;
            int start = p + 4;
            int stop = Math.min(extra.capacity(), start + (extra.getShort(p + 2) & 0xffff));
            int q = start;
            for (int i = 0; id == 1 && i < 3; i++) {
                if (v[i] == UNSET32 && q + 8 <= stop) {
                    v[i] = extra.getLong(q);
                    q += 8;
                }
            }
            p = stop;
        }
        return v;
    }

    /** Every central record: the declared ones first, in directory order, then any beyond the declared count. */
    public List<ZipEntry> entries() {
        return entries;
    }

    /** The entries miniz sees (the end record's count). */
    public List<ZipEntry> declaredEntries() {
        return entries.subList(0, declared);
    }

    /**
     * torch's archive folder: the name of directory entry #0 up to its first '/' (may be empty); null when that
     * name has no '/', an archive {@code PyTorchStreamReader} refuses ("file in archive is not in a
     * subdirectory") though other zip readers take it.
     */
    public String folder() {
        byte[] n = entries.get(0).rawName();
        int slash = indexOf(n, (byte) '/');
        return slash < 0 ? null : new String(n, 0, slash, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@link #folder()}, refused as torch refuses an archive whose first entry is in no folder. */
    public String torchFolder() throws CheckpointException {
        String folder = folder();
        if (folder == null) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, source + ": a zip archive "
                    + "whose first entry " + entries.get(0).name() + " is in no folder, which torch refuses (file "
                    + "in archive is not in a subdirectory); not a torch checkpoint");
        }
        return folder;
    }

    /** How messages name this archive. */
    public String source() {
        return source;
    }

    /**
     * The entry {@code mz_zip_reader_locate_file(name, flags 0)} finds: binary search over the index sorted by
     * lower-cased name, so the match among several equal names depends on the whole directory, as in torch.
     */
    public Optional<ZipEntry> locate(String name) {
        byte[] want = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int z = indexOf(want, (byte) 0);
        if (z >= 0) {
            want = java.util.Arrays.copyOf(want, z);
        }
        long l = 0;
        long h = sorted.length - 1L;
        while (l <= h) {
            long m = l + (h - l >> 1);
            ZipEntry e = entries.get(sorted[(int) m]);
            int comp = compare(e.rawName(), want);
            if (comp == 0) {
                return Optional.of(e);
            } else if (comp < 0) {
                l = m + 1;
            } else {
                h = m - 1;
            }
        }
        return Optional.empty();
    }

    /** The names of the declared file entries (directories left out), in directory order. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (ZipEntry e : declaredEntries()) {
            if (!e.isDirectory()) {
                out.add(e.name());
            }
        }
        return out;
    }

    /** The bytes of the entry {@link #locate} finds for a full name, or null when there is none. */
    public ByteRegion region(String name) throws IOException {
        Optional<ZipEntry> e = locate(name);
        return e.isEmpty() ? null : read(e.get());
    }

    /** The entry torch reads for {@code record} of the archive folder ({@code data.pkl}, {@code data/0}). */
    public Optional<ZipEntry> record(String record) {
        String folder = folder();
        return folder == null ? Optional.empty() : locate(folder + "/" + record);
    }

    /**
     * The bytes of an entry as torch's {@code getRecord} returns them: stored data, or DEFLATE data inflated
     * lazily (within a budget shared by the archive, temp files deleted on {@link #close()}).
     *
     * @throws CheckpointException where torch fails to read the record (encrypted, unknown method, no local
     *     header, a directory entry whose bytes torch would leave uninitialised)
     */
    public ByteRegion read(ZipEntry e) throws IOException {
        if (e.isEncrypted()) {
            throw unsupported(source, named(e) + " is encrypted; torch cannot read it");
        }
        if (e.method() != 0 && e.method() != 8) {
            throw unsupported(source, named(e) + " uses compression method " + e.method() + "; torch reads only "
                    + "STORED and DEFLATE");
        }
        if (e.isDirectory() && e.size() > 0) {
            throw corrupt(source, named(e) + " is marked as a directory; torch would read uninitialised memory for "
                    + "it");
        }
        long local = e.localHeaderOffset();
        ByteBuffer h = local < 0 || local > zip.length() - LOCAL_SIZE ? null : zip.slice(local, LOCAL_SIZE);
        if (h == null || h.getInt(0) != LOCAL_SIG) {
            throw corrupt(source, "the local header of " + named(e) + " at offset " + local + " is missing or "
                    + "corrupt");
        }
        long data = local + LOCAL_SIZE + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
        long stored = e.compressedSize();
        if (stored < 0 || data > zip.length() || stored > zip.length() - data) {
            throw corrupt(source, named(e) + " reaches past the end of the archive (truncated?)");
        }
        ByteRegion raw = zip.region(data, stored);
        if (e.method() == 0 || e.size() == 0) {
            return e.size() == 0 ? zip.region(data, 0) : raw;
        }
        InflatedRecord r = new InflatedRecord(source, e.name(), raw, e.size(), budget);
        synchronized (inflated) {
            inflated.add(r);
        }
        return r;
    }

    /** miniz's {@code mz_zip_filename_compare}: ASCII lower-case bytes, unsigned; a prefix sorts first. */
    static int compare(byte[] l, byte[] r) {
        int n = Math.min(l.length, r.length);
        for (int i = 0; i < n; i++) {
            int a = lower(l[i]);
            int b = lower(r[i]);
            if (a != b) {
                return a - b;
            }
        }
        return l.length - r.length;
    }

    private static int lower(byte c) {
        int u = c & 0xff;
        return u >= 'A' && u <= 'Z' ? u - 'A' + 'a' : u;
    }

    /** {@code mz_zip_reader_sort_central_dir_offsets_by_filename}, the same heap sort step by step. */
    private static int[] sortedIndex(List<ZipEntry> e) {
        int size = e.size();
        // Names lower-cased once: then miniz's comparison is Arrays.compareUnsigned, a prefix sorting first.
        byte[][] keys = new byte[size][];
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
            byte[] name = e.get(i).rawName();
            byte[] key = new byte[name.length];
            for (int j = 0; j < name.length; j++) {
                key[j] = (byte) lower(name[j]);
            }
            keys[i] = key;
        }
        if (size <= 1) {
            return idx;
        }
        for (int start = (size - 2) >> 1; start >= 0; start--) {
            siftDown(keys, idx, start, size);
        }
        for (int end = size - 1; end > 0; end--) {
            int t = idx[end];
            idx[end] = idx[0];
            idx[0] = t;
            siftDown(keys, idx, 0, end);
        }
        return idx;
    }

    private static void siftDown(byte[][] keys, int[] idx, int root, int size) {
        while (true) {
            int child = root * 2 + 1;
            if (child >= size) {
                return;
            }
            if (child + 1 < size && Arrays.compareUnsigned(keys[idx[child]], keys[idx[child + 1]]) < 0) {
                child++;
            }
            if (Arrays.compareUnsigned(keys[idx[root]], keys[idx[child]]) >= 0) {
                return;
            }
            int t = idx[root];
            idx[root] = idx[child];
            idx[child] = t;
            root = child;
        }
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static CheckpointException corrupt(String source, String reason) {
        return new CheckpointException(CheckpointException.Kind.CORRUPT, source + ": " + reason);
    }

    private static CheckpointException unsupported(String source, String reason) {
        return new CheckpointException(CheckpointException.Kind.UNSUPPORTED, source + ": " + reason);
    }

    /** Deletes the temp files of inflated records. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        synchronized (inflated) {
            for (Closeable c : inflated) {
                try {
                    c.close();
                } catch (IOException ex) {
                    first = first == null ? ex : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
