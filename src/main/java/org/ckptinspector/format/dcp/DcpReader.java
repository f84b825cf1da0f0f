package org.ckptinspector.format.dcp;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.format.torch.TorchZipReader;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * Reads a {@code torch.distributed.checkpoint} folder in the FileSystemWriter layout: the {@code .metadata}
 * pickle lists every leaf, each tensor is assembled lazily from its chunks (each a torch.save archive inside a
 * {@code .distcp} file), and every other value is read from its own archive by the restricted unpickler. Keys are
 * DCP's flattened names; paths the nested ones the saver used, as {@code dcp_to_torch_save} rebuilds them.
 */
public final class DcpReader {
    private DcpReader() {}

    /** True when {@code dir} holds DCP metadata. */
    public static boolean isDcp(Path dir) {
        return Files.isRegularFile(dir.resolve(DcpMetadata.FILE_NAME));
    }

    /** Where every stored item lies (file, offset, length), for the scanner; each is a torch.save archive. */
    public static List<CheckpointFolder.Chunk> items(Path dir) throws IOException {
        List<CheckpointFolder.Chunk> out = new ArrayList<>();
        for (DcpMetadata.Item item : DcpMetadata.read(dir).items()) {
            if (item.isTensor()) {
                for (DcpMetadata.ChunkItem c : item.chunks()) {
                    out.add(chunk(c));
                }
            } else {
                out.add(new CheckpointFolder.Chunk(item.bytes().file(), new long[0], new long[0],
                        item.bytes().offset(), item.bytes().length()));
            }
        }
        return out;
    }

    public static Checkpoint read(Path dir) throws IOException {
        DcpMetadata meta = DcpMetadata.read(dir);
        List<Closeable> resources = new ArrayList<>();
        try {
            return new Assembly(dir, resources).read(meta);
        } catch (IOException | RuntimeException | Error e) {
            for (Closeable c : resources) {
                try {
                    c.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static CheckpointFolder.Chunk chunk(DcpMetadata.ChunkItem c) {
        return new CheckpointFolder.Chunk(c.location().file(), c.offsets(), c.sizes(), c.location().offset(),
                c.location().length());
    }

    /** One reading of a folder: its data files mapped once each, everything opened kept in {@code resources}. */
    private static final class Assembly {
        private final Path dir;
        private final List<Closeable> resources;
        private final Map<String, MappedFile> files = new LinkedHashMap<>();
        private final List<GlobalRef> globals = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();

        Assembly(Path dir, List<Closeable> resources) {
            this.dir = dir;
            this.resources = resources;
        }

        Checkpoint read(DcpMetadata meta) throws IOException {
            globals.addAll(meta.globals());
            List<TensorRef> tensors = new ArrayList<>();
            Map<String, List<CheckpointFolder.Chunk>> chunks = new LinkedHashMap<>();
            NestedState tree = new NestedState();
            PyValue.Dict values = new PyValue.Dict();
            for (DcpMetadata.Item item : meta.items()) {
                if (item.isTensor()) {
                    TensorRef t = tensor(item);
                    tensors.add(t);
                    tree.put(item.path(), new PyValue.Tensor(t));
                    chunks.put(item.key(), item.chunks().stream().map(DcpReader::chunk).toList());
                } else {
                    PyValue v = value(item);
                    tree.put(item.path(), v);
                    values.put(new PyValue.Str(item.key()), v);
                }
            }
            List<CheckpointFolder.Part> parts = new ArrayList<>();
            parts.add(new CheckpointFolder.Part(DcpMetadata.FILE_NAME, "dcp-metadata", "", "pickle"));
            for (String name : files.keySet()) {
                parts.add(new CheckpointFolder.Part(name, "dcp-data", "", "distcp"));
            }
            CheckpointFolder folder = new CheckpointFolder(CheckpointFolder.Kind.DCP, parts, PyValue.None.NONE,
                    chunks, Map.of());
            return new Checkpoint(dir, Format.DCP, tree.build(), tensors, globals, warnings, values, resources,
                    folder);
        }

        private TensorRef tensor(DcpMetadata.Item item) throws IOException {
            TensorRef logical = TensorRef.strided(item.dtype(), item.size(), TensorRef.contiguousStrides(item.size()),
                    0, null).withLocation(item.key(), item.path());
            String problem = tiling(item);
            if (problem != null) {
                warnings.add("tensor " + item.key() + ": " + problem + "; its values are not read");
                return logical.withProblem(problem);
            }
            List<ChunkedRegion.Piece> pieces = new ArrayList<>();
            for (DcpMetadata.ChunkItem c : item.chunks()) {
                TensorRef stored = storedChunk(item, c);
                if (stored == null) {
                    return logical.withProblem("a chunk could not be read (see the warnings)");
                }
                long bytes = stored.nbytes();
                ByteRegion region = stored.storage().bytes()
                        .region(item.dtype().bytesFor(stored.storageOffset()), bytes);
                pieces.add(new ChunkedRegion.Piece(c.offsets(), c.sizes(), region));
            }
            long nbytes = item.dtype().bytesFor(logical.numel());
            ByteRegion region = pieces.size() == 1 ? pieces.get(0).bytes()
                    : new ChunkedRegion(item.size(), item.dtype().itemSize(), pieces, nbytes);
            Storage storage = new Storage(item.key(), item.dtype(), nbytes, "", region, false);
            return TensorRef.strided(item.dtype(), item.size(), TensorRef.contiguousStrides(item.size()), 0, storage)
                    .withLocation(item.key(), item.path()).checked();
        }

        /** The chunk's own tensor, checked against the metadata; null (with a warning) when it does not fit. */
        private TensorRef storedChunk(DcpMetadata.Item item, DcpMetadata.ChunkItem c) throws IOException {
            Checkpoint archive = archive(c.location(), item.key());
            if (archive == null) {
                return null;
            }
            String where = c.location().file() + " at " + c.location().offset();
            if (!(archive.root() instanceof PyValue.Tensor t)) {
                warnings.add("tensor " + item.key() + ": the item in " + where + " holds a "
                        + archive.root().typeName() + ", not a tensor");
                return null;
            }
            TensorRef s = t.ref();
            if (s.dtype() != item.dtype() || !Arrays.equals(s.shape(), c.sizes()) || !s.isContiguous()
                    || !s.isReadable()) {
                warnings.add("tensor " + item.key() + ": the item in " + where + " is a " + s.dtype() + " "
                        + Arrays.toString(s.shape()) + (s.isContiguous() ? "" : " non-contiguous") + " tensor, the "
                        + "metadata says " + item.dtype() + " " + Arrays.toString(c.sizes()));
                return null;
            }
            return s;
        }

        private PyValue value(DcpMetadata.Item item) throws IOException {
            Checkpoint archive = archive(item.bytes(), item.key());
            return archive == null ? PyValue.None.NONE : archive.root();
        }

        /** Reads one item's torch.save archive; a broken item is a warning, not a failure of the folder. */
        private Checkpoint archive(DcpMetadata.Location loc, String key) throws IOException {
            MappedFile data = file(loc.file());
            if (data == null) {
                warnings.add(key + ": its data file " + loc.file() + " is missing");
                return null;
            }
            if (loc.offset() > data.length() - loc.length()) {
                warnings.add(key + ": its item reaches past the end of " + loc.file());
                return null;
            }
            try {
                Checkpoint c = TorchZipReader.readEmbedded(dir.resolve(loc.file()),
                        data.region(loc.offset(), loc.length()));
                resources.add(c);
                for (GlobalRef g : c.globals()) {
                    globals.add(new GlobalRef(g.module(), g.name(), loc.file() + "@" + loc.offset() + " > "
                            + g.record(), g.offset()));
                }
                for (String w : c.warnings()) {
                    warnings.add(key + ": " + w);
                }
                return c;
            } catch (CheckpointException e) {
                warnings.add(key + ": " + e.getMessage());
                return null;
            }
        }

        private MappedFile file(String name) throws IOException {
            MappedFile f = files.get(name);
            if (f == null && !files.containsKey(name)) {
                Path p = dir.resolve(name);
                f = Files.isRegularFile(p) ? MappedFile.open(p) : null;
                if (f != null) {
                    resources.add(f);
                }
                files.put(name, f);
            }
            return f;
        }

        /** Null when the chunks lie inside the tensor, do not overlap and cover it; else what is wrong. */
        private static String tiling(DcpMetadata.Item item) {
            long[] size = item.size();
            long volume = 0;
            List<DcpMetadata.ChunkItem> cs = item.chunks();
            for (int i = 0; i < cs.size(); i++) {
                DcpMetadata.ChunkItem c = cs.get(i);
                if (c.offsets().length != size.length || c.sizes().length != size.length) {
                    return "a chunk's rank differs from the tensor's";
                }
                long n = 1;
                for (int d = 0; d < size.length; d++) {
                    if (c.offsets()[d] < 0 || c.sizes()[d] < 0 || c.offsets()[d] > size[d] - c.sizes()[d]) {
                        return "chunk " + Arrays.toString(c.offsets()) + " lies outside its shape";
                    }
                    n = Math.multiplyExact(n, c.sizes()[d]);
                }
                volume = Math.addExact(volume, n);
                for (int j = 0; j < i; j++) {
                    if (overlap(c, cs.get(j))) {
                        return "chunks " + Arrays.toString(c.offsets()) + " and "
                                + Arrays.toString(cs.get(j).offsets()) + " overlap";
                    }
                }
            }
            long numel = 1;
            for (long d : size) {
                numel = Math.multiplyExact(numel, d);
            }
            return volume == numel ? null : "its chunks cover " + volume + " of " + numel + " elements";
        }

        private static boolean overlap(DcpMetadata.ChunkItem a, DcpMetadata.ChunkItem b) {
            for (int d = 0; d < a.offsets().length; d++) {
                if (a.offsets()[d] + a.sizes()[d] <= b.offsets()[d]
                        || b.offsets()[d] + b.sizes()[d] <= a.offsets()[d]) {
                    return false;
                }
            }
            return true;
        }
    }
}
