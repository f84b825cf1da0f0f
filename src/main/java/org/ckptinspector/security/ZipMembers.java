package org.ckptinspector.security;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.ckptinspector.container.NpyArray;
import org.ckptinspector.container.ZipArchive;
import org.ckptinspector.container.ZipEntry;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.task.TaskMonitor;

/**
 * Scans every member of a zip archive that some loader may unpickle, whatever its name or case: pickle records
 * ({@code data.pkl}, {@code DATA.PKL}, {@code constants.pkl}, any other), members that are themselves zips
 * ({@code .pt2} sample inputs, {@code .npz} files, nested archives, scanned recursively up to
 * {@link PickleScanner#MAX_EMBEDDING_DEPTH}), {@code .npy} object arrays (which carry a pickle) and members whose
 * bytes start like a pickle stream. The archive is read by {@link ZipArchive}, as torch reads it; entries beyond
 * the end record's count, which Python's zipfile sees, are scanned too.
 */
final class ZipMembers {
    /** A torch.save storage record: raw tensor bytes that may start like a pickle by chance. */
    private static final Pattern STORAGE_RECORD = Pattern.compile("[^/]*/data/[^/]+");

    private final ScanCollector out;
    private final TaskMonitor monitor;
    private final PickleScanner.ContainerPayloads containers;

    ZipMembers(ScanCollector out, TaskMonitor monitor, PickleScanner.ContainerPayloads containers) {
        this.out = out;
        this.monitor = monitor;
        this.containers = containers;
    }

    /**
     * Scans the archive in {@code bytes}; findings name records {@code prefix + entry name}. An archive torch
     * refuses is an error of the report (the scan is incomplete), with whatever Python's zipfile would see still
     * unread.
     *
     * @param depth how deeply the archive is nested in other archives or pickles
     */
    void scan(ByteRegion bytes, String prefix, String source, int depth) throws IOException {
        try (ZipArchive zip = ZipArchive.open(bytes, source)) {
            boolean pickles = false;
            boolean code = false;
            for (ZipEntry e : zip.entries()) {
                monitor.checkCancelled();
                code |= e.name().contains("/code/") && e.name().endsWith(".py");
                pickles |= scanEntry(zip, e, prefix + e.name(), depth);
            }
            if (!pickles) {
                out.warning(source + ": the archive holds no pickle record");
            }
            if (code) {
                out.warning(source + ": a TorchScript archive; torch.load hands it to torch.jit.load, which runs "
                        + "its code/ records (TorchScript, not scanned here)");
            }
        } catch (CheckpointException e) {
            out.error(e.getMessage());
        }
    }

    /** @return whether the entry held a pickle or a container that was scanned */
    private boolean scanEntry(ZipArchive zip, ZipEntry e, String record, int depth) throws IOException {
        boolean namedPickle = e.name().toLowerCase(Locale.ROOT).endsWith("pkl");
        if (e.size() == 0 && !namedPickle) {
            return false;
        }
        ByteRegion data;
        try {
            data = zip.read(e);
            if (data.length() > 0) {
                data.slice(0, 1);
            }
        } catch (CheckpointException ex) {
            if (namedPickle) {
                out.error(ex.getMessage());
            } else {
                out.warning(ex.getMessage());
            }
            return namedPickle;
        }
        if (ZipArchive.sniff(data)) {
            String where = where(zip, record);
            if (depth >= PickleScanner.MAX_EMBEDDING_DEPTH) {
                out.error(where + ": a zip archive nested deeper than " + PickleScanner.MAX_EMBEDDING_DEPTH
                        + " levels; not scanned");
                return true;
            }
            scan(data, record + " > ", where, depth + 1);
            return true;
        }
        ByteRegion npyPickle = NpyArray.objectPickle(data);
        if (npyPickle != null) {
            new PickleScanner(out, monitor, containers, depth).scanRecord(npyPickle, record, where(zip, record)
                    + " (object array)");
            return true;
        }
        if (namedPickle) {
            new PickleScanner(out, monitor, containers, depth).scanRecord(data, record, where(zip, record));
            return true;
        }
        if (!startsLikeProtocolPickle(data)) {
            return false;
        }
        String where = where(zip, record);
        if (STORAGE_RECORD.matcher(e.name()).matches()) {
            ScanCollector trial = new ScanCollector(out.trace());
            new PickleScanner(trial, monitor, containers, depth).scanRecord(data, record, where);
            if (!trial.hasErrors()) {
                out.addAll(trial);
            }
            return false;
        }
        new PickleScanner(out, monitor, containers, depth).scanRecord(data, record, where);
        return true;
    }

    /** How messages name a record: made only for the records scanned, not for every storage. */
    private static String where(ZipArchive zip, String record) {
        return zip.source() + ", record " + record;
    }

    /** A PROTO opcode with a protocol CPython knows: how every pickle of protocol 2 or later starts. */
    static boolean startsLikeProtocolPickle(ByteRegion data) throws IOException {
        if (data.length() < 2) {
            return false;
        }
        var b = data.slice(0, 2);
        return (b.get(0) & 0xff) == 0x80 && b.get(1) >= 2 && b.get(1) <= 5;
    }
}
