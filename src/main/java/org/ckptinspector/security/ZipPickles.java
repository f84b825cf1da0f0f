package org.ckptinspector.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.ZipException;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.ZipDirectory;
import org.ckptinspector.task.TaskMonitor;

/**
 * Scans every pickle record of a zip archive: each central-directory entry whose name ends in {@code pkl}
 * ({@code data.pkl}, TorchScript's {@code constants.pkl} and {@code .debug_pkl}, any extra one), duplicates and
 * entries outside the archive's root folder included, since which of several equal names a loader picks is its
 * own business. Like torch's miniz it trusts the central directory, takes data offsets from the local headers and
 * ignores CRCs. It walks the directory one entry at a time ({@link ZipDirectory}), so a directory of millions of
 * entries costs no memory.
 */
final class ZipPickles {
    static final byte[] MAGIC = {'P', 'K', 3, 4};

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
        boolean pickles = false;
        boolean code = false;
        try {
            ZipDirectory dir = ZipDirectory.of(zip);
            for (long i = 0; i < dir.declaredEntries(); i++) {
                monitor.checkCancelled();
                ZipDirectory.Entry e = dir.next();
                code |= e.name().contains("/code/") && e.name().endsWith(".py");
                if (e.name().endsWith("pkl")) {
                    pickles = true;
                    scanEntry(zip, e, prefix + e.name(), source, depth);
                }
            }
        } catch (ZipException e) {
            out.error(source + ": " + e.getMessage());
            return;
        }
        if (!pickles) {
            out.warning(source + ": the archive holds no pickle record");
        }
        if (code) {
            out.warning(source + ": a TorchScript archive; torch.load hands it to torch.jit.load, which runs its "
                    + "code/ records (TorchScript, not scanned here)");
        }
    }

    private void scanEntry(ByteRegion zip, ZipDirectory.Entry e, String record, String source, int depth)
            throws IOException {
        String where = source + ", record " + record;
        if ((e.flags() & 1) != 0) {
            out.warning(where + " is encrypted; torch cannot read it, so it was not scanned");
            return;
        }
        if (e.method() != 0 && e.method() != 8) {
            out.warning(where + " uses compression method " + e.method() + ", which torch cannot read; not "
                    + "scanned");
            return;
        }
        long data;
        try {
            data = e.dataOffset(zip);
        } catch (ZipException ex) {
            out.error(where + ": its local header at offset " + e.localHeaderOffset() + " is missing or corrupt");
            return;
        }
        long stored = e.method() == 0 ? Math.max(e.size(), e.compressedSize()) : e.compressedSize();
        if (stored < 0 || data > zip.length() || stored > zip.length() - data) {
            out.error(where + " reaches past the end of the archive (truncated?)");
            stored = Math.max(0, zip.length() - Math.min(data, zip.length()));
            data = Math.min(data, zip.length());
        }
        ByteRegion raw = zip.region(data, stored);
        PickleScanner scanner = new PickleScanner(out, monitor, containers, depth);
        if (e.method() == 0) {
            scanner.scanRecord(raw, record, where);
            return;
        }
        try (InflatedBytes inflated = InflatedBytes.inflate(raw, e.size(), budget)) {
            if (inflated.problem() != null) {
                out.error(where + " cannot be inflated completely: " + inflated.problem());
            }
            scanner.scanRecord(inflated.bytes(), record, where);
        }
    }
}
