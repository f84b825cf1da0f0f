package org.ckptinspector.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.format.dcp.DcpReader;
import org.ckptinspector.format.folder.FolderReader;
import org.ckptinspector.format.safetensors.SafetensorsReader;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.container.LegacyStream;
import org.ckptinspector.container.ShardIndex;
import org.ckptinspector.container.TorchTar;
import org.ckptinspector.container.ZipArchive;
import org.ckptinspector.pickle.Opcode;
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.pickle.RestrictedUnpickler;
import org.ckptinspector.task.TaskMonitor;

/**
 * The security scan of one file ({@code scan FILE}): every global that every pickle in it names, classified by
 * {@link GlobalPolicy}, found statically by {@link PickleScanner} without running or even interpreting the pickles.
 * It reads the file as {@code torch.load} would, and more: a zip's pickle records, a tar's members, a legacy or
 * plain pickle stream; a file that is both a tar and a pickle stream is scanned as both. A safetensors file has no
 * pickles but is fully validated; a shard index has every shard it lists scanned.
 */
public final class CheckpointScanner {
    /** The legacy format's five pickles (docs/checkpoint-formats.md §7.1); raw storage data follows them. */
    static final int LEGACY_PICKLES = 5;

    private final ScanCollector out;
    private final TaskMonitor monitor;
    /** The checkpoint a reader already opened from the scanned file, or null: its reader need not run again. */
    private final Checkpoint opened;

    private CheckpointScanner(TaskMonitor monitor, ScanTrace trace, Checkpoint opened) {
        this.monitor = monitor;
        this.out = new ScanCollector(trace);
        this.opened = opened;
    }

    /**
     * Scans {@code file}. Problems inside the file (a corrupt pickle, a broken archive directory) are errors of
     * the report, next to whatever was found before them.
     *
     * @throws CheckpointException when the file cannot be opened or is no checkpoint at all
     */
    public static ScanReport scan(Path file, TaskMonitor monitor) throws CheckpointException {
        return scan(file, monitor, ScanTrace.NONE);
    }

    /** {@link #scan(Path, TaskMonitor)}, telling {@code trace} of every pickle read. */
    public static ScanReport scan(Path file, TaskMonitor monitor, ScanTrace trace) throws CheckpointException {
        return scan(file, monitor, trace, null);
    }

    /**
     * {@link #scan(Path, TaskMonitor)} of the file {@code c} was opened from; where the scan would run that file's
     * reader (a safetensors header, GGUF, numpy, torch.export), it takes {@code c}'s outcome instead.
     */
    public static ScanReport scan(Checkpoint c, TaskMonitor monitor) throws CheckpointException {
        return scan(c.file(), monitor, ScanTrace.NONE, c);
    }

    private static ScanReport scan(Path file, TaskMonitor monitor, ScanTrace trace, Checkpoint opened)
            throws CheckpointException {
        CheckpointScanner scanner = new CheckpointScanner(monitor, trace, opened);
        try {
            scanner.scanFile(file, "", 0);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw CheckpointException.io(file, e);
        }
        return scanner.out.report(file);
    }

    private void scanFile(Path file, String prefix, int shardDepth) throws IOException {
        if (Files.isDirectory(file) && shardDepth == 0) {
            scanFolder(file);
            return;
        }
        CheckpointOpener.Container container = CheckpointOpener.detect(file);
        if (container == CheckpointOpener.Container.SAFETENSORS) {
            validateSafetensors(file);
            try (MappedFile mapped = MappedFile.open(file)) {
                // torch 1.x (and any torch given a file object) unpickles it; it fails within its first bytes
                scanStream(mapped, prefix, file.toString(), false);
            }
            return;
        }
        if (container == CheckpointOpener.Container.GGUF || container == CheckpointOpener.Container.NPY
                || container == CheckpointOpener.Container.NPZ || container == CheckpointOpener.Container.PT2) {
            scanWithReader(file);
            if (container == CheckpointOpener.Container.GGUF || container == CheckpointOpener.Container.NPY) {
                try (MappedFile mapped = MappedFile.open(file)) {
                    // not a zip: torch.load reads it as a legacy stream from its first byte
                    scanStream(mapped, prefix, file.toString(), false);
                }
            }
            return;
        }
        if (container == CheckpointOpener.Container.SHARD_INDEX) {
            if (shardDepth > 0) {
                out.error(file + ": a shard index that lists another shard index");
                return;
            }
            scanShards(file);
            return;
        }
        try (MappedFile mapped = MappedFile.open(file)) {
            String source = file.toString();
            long before = out.found();
            if (!scanLoadable(mapped, prefix, source, 0) && out.found() == before) {
                throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": not a PyTorch "
                        + "checkpoint, pickle or safetensors file (read as a pickle it fails at once)");
            }
        }
    }

    /**
     * Scans bytes the way {@code torch.load} may read them: a zip; else what torch's tar path reads and, since
     * torch reads the file as a legacy stream when tarfile fails (and always when given a BytesIO), the legacy
     * pickle stream from offset 0 too.
     *
     * @return false when the bytes are neither a zip, nor a tar, nor a stream whose first pickle reads
     */
    private boolean scanLoadable(ByteRegion bytes, String prefix, String source, int depth) throws IOException {
        if (ZipArchive.sniff(bytes)) {
            new ZipMembers(out, monitor, this::scanPayload).scan(bytes, prefix, source, depth);
            return true;
        }
        TorchTar tar = TorchTar.read(bytes, source);
        if (tar.outcome() != TorchTar.Outcome.NOT_TAR) {
            new TarMembers(out, monitor, this::scanPayload).scan(tar, prefix, source);
            if (tar.outcome() == TorchTar.Outcome.FALLS_BACK) {
                out.warning(source + ": " + tar.problem() + "; torch reads the file as a legacy pickle stream");
            }
        }
        if (!startsLikePickle(bytes)) {
            if (tar.outcome() == TorchTar.Outcome.FALLS_BACK) {
                out.error(source + ": torch would read this broken tar as a pickle stream, which it is not");
            }
            return tar.outcome() != TorchTar.Outcome.NOT_TAR;
        }
        return scanStream(bytes, prefix, source, tar.alwaysStream()) || tar.outcome() != TorchTar.Outcome.NOT_TAR;
    }

    /**
     * The legacy stream torch reads from offset 0 (magic number, protocol, sys_info, object, storage keys), each
     * unpickled in full before any is checked; a plain pickle file is its first pickle. Pickles after the first
     * five are scanned too (torch never reads them; other loaders of plain pickle files may).
     *
     * @param required whether torch certainly reads the stream (else a failing first pickle is no problem)
     * @return false when the first pickle could not be read to its end
     */
    private boolean scanStream(ByteRegion file, String prefix, String source, boolean required) {
        PickleScanner scanner = new PickleScanner(out, monitor, this::scanPayload, 0);
        boolean legacy = legacy(file);
        long pos = 0;
        for (int k = 1; !legacy || k <= LEGACY_PICKLES; k++) {
            if (pos >= file.length()) {
                if (legacy && required) {
                    out.error(source + ": the legacy stream ends after pickle " + (k - 1) + " of "
                            + LEGACY_PICKLES + " (truncated?)");
                }
                return true;
            }
            ByteRegion rest = file.region(pos, file.length() - pos);
            boolean must = required && (k == 1 || legacy);
            long end = scanner.scanOne(rest, 0, prefix + "pickle " + k, source + ", pickle " + k, must, null);
            if (end < 0) {
                if (k > 1 && !must) {
                    out.warning(source + ": the " + rest.length() + " bytes after pickle " + (k - 1)
                            + " are not a complete pickle");
                }
                return k > 1;
            }
            pos += end;
        }
        return true;
    }

    /** Whether the first pickle's value is torch's magic number, however it is written. */
    private static boolean legacy(ByteRegion file) {
        try {
            return LegacyStream.isMagic(new RestrictedUnpickler("pickle 1", "pickle 1", new PythonCalls(), null)
                    .load(file).value());
        } catch (CheckpointException | RuntimeException e) {
            return false;
        }
    }

    private static boolean startsLikePickle(ByteRegion file) throws IOException {
        return file.length() > 0 && Opcode.of(file.slice(0, 1).get(0)) != null;
    }

    /** Scans a payload found inside a pickle when it is a zip archive (a torch.load payload). */
    private boolean scanPayload(ByteRegion payload, String record, ScanCollector into, int depth) throws IOException {
        if (!ZipArchive.sniff(payload)) {
            return false;
        }
        new ZipMembers(into, monitor, this::scanPayload).scan(payload, record + " > ", record, depth);
        return true;
    }

    /**
     * GGUF holds no pickle; the pickles of numpy object arrays and of torch.export sample inputs are what the
     * readers run through the restricted unpickler, which names their globals.
     */
    private void scanWithReader(Path file) throws IOException {
        if (isOpened(file)) {
            globalsOf(opened);
            return;
        }
        try (Checkpoint c = CheckpointOpener.open(file)) {
            globalsOf(c);
        } catch (CheckpointException e) {
            out.error(e.getMessage());
        }
    }

    private void globalsOf(Checkpoint c) {
        for (org.ckptinspector.model.GlobalRef g : c.globals()) {
            out.global(g.module(), g.name(), g.record(), g.offset());
        }
    }

    private void validateSafetensors(Path file) throws IOException {
        if (isOpened(file)) {
            return;  // the reader opened it: the header is valid
        }
        try (Checkpoint c = SafetensorsReader.read(file)) {
            monitor.checkCancelled();
        } catch (CheckpointException e) {
            out.error(e.getMessage());
        }
    }

    /** True for the file of the checkpoint given to the scan, not for the shards or folder parts it names. */
    private boolean isOpened(Path file) {
        return opened != null && opened.file().equals(file);
    }

    /**
     * A folder: its checkpoint files as files of their own; for a DCP folder the {@code .metadata} pickle and then
     * every item of the {@code .distcp} files (each a torch.save archive) where the metadata places it, as torch's
     * DCP loader reads them.
     */
    private void scanFolder(Path dir) throws IOException {
        if (!DcpReader.isDcp(dir)) {
            for (Path p : FolderReader.checkpointFiles(dir)) {
                scanFile(p, p.getFileName() + " > ", 0);
            }
            return;
        }
        scanFile(dir.resolve(".metadata"), ".metadata > ", 1);
        List<CheckpointFolder.Chunk> items;
        try {
            items = DcpReader.items(dir);
        } catch (CheckpointException e) {
            out.error(e.getMessage() + "; the .distcp items were not scanned");
            return;
        }
        Map<String, MappedFile> files = new HashMap<>();
        try {
            for (CheckpointFolder.Chunk item : items) {
                MappedFile data = files.get(item.file());
                Path p = dir.resolve(item.file());
                if (data == null && Files.isRegularFile(p)) {
                    data = MappedFile.open(p);
                    files.put(item.file(), data);
                }
                if (data == null || item.byteOffset() > data.length() - item.byteLength()) {
                    out.warning(p + ": the item at " + item.byteOffset() + " is missing or reaches past the end; "
                            + "torch fails to read it too");
                    continue;
                }
                String name = item.file() + "@" + item.byteOffset();
                new ZipMembers(out, monitor, this::scanPayload).scan(
                        data.region(item.byteOffset(), item.byteLength()), name + " > ", p + ", item at "
                        + item.byteOffset(), 0);
            }
        } finally {
            for (MappedFile f : files.values()) {
                f.close();
            }
        }
    }

    private void scanShards(Path index) throws IOException {
        ShardIndex parsed = ShardIndex.read(index);
        for (String shard : parsed.shards()) {
            Path p = parsed.shardPath(shard);
            if (!Files.exists(p)) {
                out.warning(index + ": shard " + shard + " is missing; nothing of it was scanned");
                continue;
            }
            try {
                scanFile(p, shard + " > ", 1);
            } catch (CheckpointException e) {
                out.error(e.getMessage());
            }
        }
    }
}
