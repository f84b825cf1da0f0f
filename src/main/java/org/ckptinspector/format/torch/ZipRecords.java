package org.ckptinspector.format.torch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.ZipDirectory;
import org.ckptinspector.model.CheckpointException;

/**
 * The records of a torch zip archive (§2): names, and their bytes as regions of the mapped file (STORED) or as
 * lazily inflated records (DEFLATE). The central directory is walked with {@link ZipDirectory}, in a third of the
 * time commons-compress takes to open an archive in a cold JVM (which matters for a command that runs in half a
 * second); data offsets come from the local headers. The archive root is the folder of central-directory entry
 * #0, as torch takes it, falling back to the folder that holds {@code data.pkl}.
 */
final class ZipRecords implements Closeable {
    /**
     * Most central-directory entries read. The directory is walked for as long as entry headers follow, whatever
     * count the end record declares, as torch's miniz and commons-compress do. A torch file has one record per
     * storage.
     */
    static final int MAX_RECORDS = 100_000;
    /** General purpose flag bit 0. */
    private static final int ENCRYPTED = 1;

    private record Entry(String name, long dataOffset, long size, long compressedSize, int method) {}

    private final Path file;
    private final ByteRegion mapped;
    private final Map<String, Entry> entries;
    private final String root;
    private final List<String> duplicates;
    private final List<Closeable> inflatedRecords = new ArrayList<>();
    private final InflatedRecord.Budget budget = new InflatedRecord.Budget();

    private ZipRecords(Path file, ByteRegion mapped, Map<String, Entry> entries, String root,
            List<String> duplicates) {
        this.duplicates = duplicates;
        this.file = file;
        this.mapped = mapped;
        this.entries = entries;
        this.root = root;
    }

    static ZipRecords open(Path file, ByteRegion mapped) throws CheckpointException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Set<String> duplicates = new LinkedHashSet<>();
        try {
            ZipDirectory dir = ZipDirectory.of(mapped);
            for (int n = 0; dir.hasNext(); n++) {
                if (n == MAX_RECORDS) {
                    throw CheckpointException.limit(file, "the zip archive has more than " + MAX_RECORDS
                            + " records, beyond this reader's limit");
                }
                ZipDirectory.Entry e = dir.next();
                if (e.name().endsWith("/")) {
                    continue;
                }
                if ((e.flags() & ENCRYPTED) != 0) {
                    throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": record "
                            + e.name() + " is encrypted; torch cannot read encrypted archives either");
                }
                Entry entry = new Entry(e.name(), e.dataOffset(mapped), e.size(), e.compressedSize(), e.method());
                if (entries.putIfAbsent(e.name(), entry) != null) {
                    duplicates.add(e.name());
                }
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw CheckpointException.corrupt(file, "starts like a zip archive but its directory cannot be read ("
                    + e.getMessage() + "); the file may be truncated");
        }
        return new ZipRecords(file, mapped, entries, root(file, entries), List.copyOf(duplicates));
    }

    private static String root(Path file, Map<String, Entry> entries) throws CheckpointException {
        if (entries.isEmpty()) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                    file + ": a zip archive without records, not a torch checkpoint");
        }
        String first = entries.keySet().iterator().next();
        int slash = first.indexOf('/');
        if (slash > 0 && entries.containsKey(first.substring(0, slash) + "/data.pkl")) {
            return first.substring(0, slash);
        }
        String best = null;
        for (String name : entries.keySet()) {
            if (name.endsWith("/data.pkl") && (best == null || name.length() < best.length())) {
                best = name;
            }
        }
        if (best == null) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file
                    + ": a zip archive without a data.pkl record, not a torch checkpoint");
        }
        return best.substring(0, best.length() - "/data.pkl".length());
    }

    /** The archive's top folder ({@code archive}, {@code model}). */
    String root() {
        return root;
    }

    /** The full name of a record inside the root folder. */
    String name(String record) {
        return root + "/" + record;
    }

    boolean has(String record) {
        return entries.containsKey(name(record));
    }

    /** Names that more than one record has; the first is read, torch may read another (a hostile file). */
    List<String> duplicates() {
        return duplicates;
    }

    /** Names of records that are not inside the root folder (torch refuses such archives). */
    List<String> outsideRoot() {
        List<String> out = new ArrayList<>();
        for (String n : entries.keySet()) {
            if (!n.startsWith(root + "/")) {
                out.add(n);
            }
        }
        return out;
    }

    /** The bytes of {@code record} (relative to the root), or null when the archive has no such record. */
    ByteRegion region(String record) throws CheckpointException {
        Entry e = entries.get(name(record));
        if (e == null) {
            return null;
        }
        long stored = e.method() == 0 ? e.size() : e.compressedSize();
        if (e.dataOffset() < 0 || stored < 0 || e.dataOffset() > mapped.length() - stored) {
            throw CheckpointException.corrupt(file, "record " + e.name() + " reaches past the end of the file");
        }
        ByteRegion raw = mapped.region(e.dataOffset(), stored);
        switch (e.method()) {
            case 0:
                return raw;
            case 8: {
                InflatedRecord r = new InflatedRecord(file, e.name(), raw, e.size(), budget);
                synchronized (inflatedRecords) {
                    inflatedRecords.add(r);
                }
                return r;
            }
            default:
                throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": record " + e.name()
                        + " uses zip compression method " + e.method() + "; only STORED and DEFLATE are supported");
        }
    }

    /** A small text record ({@code byteorder}, {@code version}), or null when absent. */
    String text(String record) throws CheckpointException {
        ByteRegion r = region(record);
        if (r == null) {
            return null;
        }
        if (r.length() > 4096) {
            return "";
        }
        try {
            ByteBuffer b = r.slice(0, (int) r.length());
            return StandardCharsets.UTF_8.decode(b).toString();
        } catch (IOException e) {
            throw CheckpointException.corrupt(file, "record " + name(record) + " cannot be read: " + e.getMessage());
        }
    }

    /** Deletes the temp files of inflated records. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        synchronized (inflatedRecords) {
            for (Closeable c : inflatedRecords) {
                try {
                    c.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
