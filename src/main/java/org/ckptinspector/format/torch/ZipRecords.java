package org.ckptinspector.format.torch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.ckptinspector.container.ZipArchive;
import org.ckptinspector.container.ZipEntry;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;

/**
 * The records of a torch zip archive (docs/checkpoint-formats.md §2) as torch finds them: through {@link ZipArchive},
 * miniz's reading, so a record name matches case-insensitively and of several matches the one torch reads is the one
 * read here.
 */
final class ZipRecords implements Closeable {
    private final ZipArchive zip;
    private final String root;

    private ZipRecords(ZipArchive zip, String root) {
        this.zip = zip;
        this.root = root;
    }

    static ZipRecords open(Path file, ByteRegion mapped) throws CheckpointException {
        try {
            ZipArchive zip = ZipArchive.open(mapped, file.toString());
            return new ZipRecords(zip, zip.torchFolder());
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw CheckpointException.corrupt(file, "starts like a zip archive but its directory cannot be read ("
                    + e.getMessage() + "); the file may be truncated");
        }
    }

    /** The archive's top folder ({@code archive}, {@code model}). */
    String root() {
        return root;
    }

    /** The full name of the entry torch reads for {@code record}, or the name it looks up when there is none. */
    String name(String record) {
        return zip.record(record).map(ZipEntry::name).orElse(root + "/" + record);
    }

    boolean has(String record) {
        return zip.record(record).isPresent();
    }

    /**
     * Whether {@code record} is among {@code get_all_records()}, torch's case-sensitive test for TorchScript:
     * names cut at a NUL byte, compared exactly.
     */
    boolean listed(String record) {
        String want = root + "/" + record;
        for (ZipEntry e : zip.declaredEntries()) {
            String n = e.name();
            int nul = n.indexOf('\0');
            if ((nul < 0 ? n : n.substring(0, nul)).equals(want)) {
                return true;
            }
        }
        return false;
    }

    /** Names (lower-cased) that more than one declared entry matches; torch reads one of them, shown here. */
    List<String> duplicates() {
        Set<String> seen = new java.util.HashSet<>();
        Set<String> dup = new LinkedHashSet<>();
        for (ZipEntry e : zip.declaredEntries()) {
            String n = e.name().toLowerCase(Locale.ROOT);
            if (!seen.add(n)) {
                dup.add(e.name());
            }
        }
        return List.copyOf(dup);
    }

    /** How many directory entries follow the ones the end record counts (invisible to torch). */
    int undeclared() {
        return zip.entries().size() - zip.declaredEntries().size();
    }

    /** Names of declared entries outside the root folder (torch's get_all_records refuses such archives). */
    List<String> outsideRoot() {
        List<String> out = new ArrayList<>();
        for (ZipEntry e : zip.declaredEntries()) {
            if (!e.name().startsWith(root + "/")) {
                out.add(e.name());
            }
        }
        return out;
    }

    /** The bytes of {@code record} (relative to the root), or null when torch finds no such record. */
    ByteRegion region(String record) throws CheckpointException {
        Optional<ZipEntry> e = zip.record(record);
        if (e.isEmpty()) {
            return null;
        }
        try {
            return zip.read(e.get());
        } catch (CheckpointException ex) {
            throw ex;
        } catch (IOException ex) {
            throw new CheckpointException(CheckpointException.Kind.CORRUPT, zip.source() + ": record "
                    + e.get().name() + " cannot be read: " + ex.getMessage());
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
            throw new CheckpointException(CheckpointException.Kind.CORRUPT, zip.source() + ": record "
                    + name(record) + " cannot be read: " + e.getMessage());
        }
    }

    /** Deletes the temp files of inflated records. */
    @Override
    public void close() throws IOException {
        zip.close();
    }
}
