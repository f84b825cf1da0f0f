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
import org.ckptinspector.pickle.Opcode;
import org.ckptinspector.task.TaskMonitor;

/**
 * The security scan of one file ({@code scan FILE}): every global that every pickle in it names, classified by
 * {@link GlobalPolicy}, found statically by {@link PickleScanner} without running or even interpreting the pickles.
 * It reads the file as {@code torch.load} would, and more: a zip's pickle records, a tar's members, a legacy or
 * plain pickle stream; a file that is both a tar and a pickle stream is scanned as both. A safetensors file has no
 * pickles but is fully validated; a shard index has every shard it lists scanned.
 */
public final class CheckpointScanner {
    /** The legacy format's five pickles (§7.1); raw storage data follows them. */
    static final int LEGACY_PICKLES = 5;
    /** A shard index is small; a larger one is refused rather than parsed. */
    static final long MAX_INDEX_BYTES = 64L << 20;

    private final ScanCollector out = new ScanCollector();
    private final TaskMonitor monitor;
    private final InflatedBytes.Budget budget = new InflatedBytes.Budget();

    private CheckpointScanner(TaskMonitor monitor) {
        this.monitor = monitor;
    }

    /**
     * Scans {@code file}. Problems inside the file (a corrupt pickle, a broken archive directory) are errors of
     * the report, next to whatever was found before them.
     *
     * @throws CheckpointException when the file cannot be opened or is no checkpoint at all
     */
    public static ScanReport scan(Path file, TaskMonitor monitor) throws CheckpointException {
        CheckpointScanner scanner = new CheckpointScanner(monitor);
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
        CheckpointOpener.Container container = null;
        try {
            container = CheckpointOpener.detect(file);
        } catch (CheckpointException e) {
            if (e.kind() != CheckpointException.Kind.NOT_A_CHECKPOINT || Files.isDirectory(file)
                    || Files.size(file) == 0) {
                throw e;
            }
        }
        if (container == CheckpointOpener.Container.SAFETENSORS) {
            validateSafetensors(file);
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
            if (ZipPickles.isZip(mapped)) {
                new ZipPickles(out, monitor, this::scanPayload, budget).scan(mapped, prefix, source, 0);
                return;
            }
            if (TarPickles.isTar(mapped)) {
                new TarPickles(out, monitor, this::scanPayload).scan(mapped, prefix, source);
                scanPolyglotStream(mapped, prefix, source);
            } else if (startsLikePickle(mapped)) {
                boolean legacy = container == CheckpointOpener.Container.TORCH_LEGACY;
                long before = out.found();
                if (!scanStream(mapped, prefix, source, legacy) && !legacy && out.found() == before) {
                    throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": not a PyTorch "
                            + "checkpoint, pickle or safetensors file (read as a pickle it fails at once)");
                }
            } else {
                throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": not a PyTorch "
                        + "checkpoint, pickle or safetensors file; nothing to scan");
            }
        }
    }

    /**
     * A legacy stream's five pickles, or a plain pickle file (torch.load unpickles it before any check).
     *
     * @return false when the first pickle could not be read to its end
     */
    private boolean scanStream(ByteRegion file, String prefix, String source, boolean legacy) {
        PickleScanner scanner = new PickleScanner(out, monitor, this::scanPayload, 0);
        long pos = 0;
        for (int k = 1; !legacy || k <= LEGACY_PICKLES; k++) {
            boolean required = k == 1 || legacy;
            if (pos >= file.length()) {
                if (legacy) {
                    out.error(source + ": the legacy stream ends after pickle " + (k - 1) + " of "
                            + LEGACY_PICKLES + " (truncated?)");
                }
                return true;
            }
            ByteRegion rest = file.region(pos, file.length() - pos);
            long end = scanner.scanOne(rest, 0, prefix + "pickle " + k, source + ", pickle " + k, required, null);
            if (end < 0) {
                if (!required) {
                    out.warning(source + ": the " + rest.length() + " bytes after pickle " + (k - 1)
                            + " are not a complete pickle");
                }
                return k > 1;
            }
            pos += end;
        }
        return true;
    }

    /**
     * A file whose first block is a tar header goes down torch's tar path, but should Python's tarfile refuse a
     * header this scanner accepts, torch would unpickle the file instead: what its first pickle names is reported
     * too, while failing to read it (the usual case, a tar is no pickle) is no problem of the scan.
     */
    private void scanPolyglotStream(ByteRegion file, String prefix, String source) throws IOException {
        if (startsLikePickle(file)) {
            new PickleScanner(out, monitor, this::scanPayload, 0).scanOne(file, 0, prefix + "pickle 1",
                    source + ", pickle 1", false, null);
        }
    }

    private static boolean startsLikePickle(ByteRegion file) throws IOException {
        return file.length() > 0 && Opcode.of(file.slice(0, 1).get(0)) != null;
    }

    /** Scans a payload found inside a pickle when it is a zip archive (a torch.load payload). */
    private boolean scanPayload(ByteRegion payload, String record, ScanCollector into, int depth) throws IOException {
        if (!ZipPickles.isZip(payload)) {
            return false;
        }
        new ZipPickles(into, monitor, this::scanPayload, budget).scan(payload, record + " > ", record, depth);
        return true;
    }

    private void validateSafetensors(Path file) throws IOException {
        try (Checkpoint c = SafetensorsReader.read(file)) {
            monitor.checkCancelled();
        } catch (CheckpointException e) {
            out.error(e.getMessage());
        }
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
                    out.error(p + ": the item at " + item.byteOffset() + " is missing or reaches past the end");
                    continue;
                }
                String name = item.file() + "@" + item.byteOffset();
                new ZipPickles(out, monitor, this::scanPayload, budget).scan(
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
        for (String shard : shardNames(index)) {
            Path p = index.toAbsolutePath().getParent().resolve(shard);
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

    /** The distinct shard files an index's weight_map names; a name that leaves the folder is refused. */
    private static Set<String> shardNames(Path index) throws IOException {
        if (Files.size(index) > MAX_INDEX_BYTES) {
            throw CheckpointException.limit(index, "shard index is larger than " + MAX_INDEX_BYTES
                    + " bytes");
        }
        JsonNode map;
        try {
            JsonNode root = new ObjectMapper().readTree(index.toFile());
            map = root == null ? null : root.get("weight_map");
        } catch (IOException e) {
            throw CheckpointException.corrupt(index, "shard index is not valid JSON");
        }
        if (map == null || !map.isObject()) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                    index + ": JSON file without a weight_map, not a shard index");
        }
        Set<String> names = new LinkedHashSet<>();
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            JsonNode v = it.next().getValue();
            String shard = v.asText();
            if (!v.isTextual() || shard.isEmpty() || shard.contains("/") || shard.contains("\\")
                    || shard.equals("..") || shard.equals(".")) {
                throw CheckpointException.corrupt(index, "weight_map names an invalid shard file " + v);
            }
            names.add(shard);
        }
        return names;
    }
}
