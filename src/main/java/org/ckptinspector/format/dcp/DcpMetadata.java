package org.ckptinspector.format.dcp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.format.torch.TorchZipReader;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.pickle.RestrictedUnpickler;
import org.ckptinspector.pickle.PythonCalls;

/**
 * The {@code .metadata} pickle of a DCP folder (FileSystemWriter layout), read by the restricted unpickler: its
 * classes stay inert objects whose attributes are read here as data. A global outside the classes torch writes
 * there makes the folder unreadable.
 *
 * @param items every saved leaf in the order the metadata lists them
 * @param globals the globals the pickle named
 */
record DcpMetadata(List<Item> items, List<GlobalRef> globals) {
    static final String FILE_NAME = ".metadata";
    private static final String MD = "torch.distributed.checkpoint.metadata.";
    private static final String SHARDED_MD = "torch.distributed._shard.sharded_tensor.metadata.";
    /** What torch writes into DCP metadata, besides its dtypes: dataclasses, helpers and path classes. */
    private static final Set<String> ALLOWED = Set.of(MD + "Metadata", MD + "TensorStorageMetadata",
            MD + "BytesStorageMetadata", MD + "ChunkStorageMetadata", MD + "TensorProperties",
            MD + "_MEM_FORMAT_ENCODING", MD + "MetadataIndex", MD + "StorageMeta",
            "torch.distributed.checkpoint.filesystem._StorageInfo", SHARDED_MD + "TensorProperties",
            SHARDED_MD + "MEM_FORMAT_ENCODING", "torch.Size", "torch.serialization._get_layout",
            "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib._local.PosixPath", "pathlib._local.WindowsPath");
    /** A metadata file is small next to the data; a larger one is refused rather than parsed. */
    static final long MAX_BYTES = 1L << 30;

    /** Where one stored item lies: a byte range of a {@code .distcp} file. */
    record Location(String file, long offset, long length) {}

    /** A stored chunk of a tensor: its box in the logical tensor and its item. */
    record ChunkItem(long[] offsets, long[] sizes, Location location) {}

    /**
     * One saved leaf: a tensor (dtype, size and chunks) or a pickled value (a single item).
     *
     * @param path the nested path the saver used ({@code planner_data}), or just the key when absent
     */
    record Item(String key, List<Object> path, DType dtype, long[] size, List<ChunkItem> chunks, Location bytes) {
        boolean isTensor() {
            return dtype != null;
        }
    }

    static DcpMetadata read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        List<String> warnings = new ArrayList<>();
        RestrictedUnpickler.Result r;
        try (MappedFile mapped = MappedFile.open(file)) {
            if (mapped.length() > MAX_BYTES) {
                throw CheckpointException.limit(file, "DCP metadata larger than " + MAX_BYTES + " bytes");
            }
            r = new RestrictedUnpickler(FILE_NAME, file.toString(), TorchZipReader.torchCalls(warnings), null)
                    .load(mapped);
        }
        for (GlobalRef g : r.globals()) {
            String q = PythonCalls.normalizeModule(g.module()) + "." + g.name();
            boolean dtype = g.module().equals("torch") && DType.fromTorchName(g.name()).isPresent();
            if (!dtype && !ALLOWED.contains(q)) {
                throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": names the global "
                        + q + ", which torch never writes into DCP metadata; not read (run scan on the folder)");
            }
        }
        return new Parser(file).parse(r.value(), r.globals());
    }

    /** Reads the inert objects' attributes; any shape torch does not write is an error naming the file. */
    private record Parser(Path file) {
        DcpMetadata parse(PyValue root, List<GlobalRef> globals) throws CheckpointException {
            PyValue.Obj md = obj(root, "Metadata");
            if (!md.typeName().equals(MD + "Metadata")) {
                throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": holds a "
                        + md.typeName() + ", not DCP metadata");
            }
            Map<String, List<Object>> paths = plannerPaths(
                    md.attributes().getOrDefault(new PyValue.Str("planner_data"), PyValue.None.NONE));
            Map<String, Location> locations = new HashMap<>();
            for (Map.Entry<PyValue, PyValue> e : dict(attr(md, "storage_data"), "storage_data").entrySet()) {
                PyValue.Obj index = obj(e.getKey(), "MetadataIndex");
                PyValue.Obj info = obj(e.getValue(), "_StorageInfo");
                PyValue transforms = info.attributes().get(new PyValue.Str("transform_descriptors"));
                if (transforms instanceof PyValue.PyList l && l.size() > 0
                        || transforms instanceof PyValue.Tuple t && t.size() > 0) {
                    throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": item "
                            + str(attr(index, "fqn")) + " is stored with a transform (such as zstd), not supported");
                }
                String rel = str(attr(info, "relative_path"));
                if (rel.contains("/") || rel.contains("\\") || rel.equals("..") || rel.equals(".")) {
                    throw CheckpointException.corrupt(file, "item " + str(attr(index, "fqn"))
                            + " names a data file outside the folder: " + rel);
                }
                Location loc = new Location(rel, integer(attr(info, "offset")), integer(attr(info, "length")));
                if (loc.offset() < 0 || loc.length() < 0) {
                    throw CheckpointException.corrupt(file, "item " + str(attr(index, "fqn"))
                            + " has a negative offset or length");
                }
                PyValue offset = index.attributes().getOrDefault(new PyValue.Str("offset"), PyValue.None.NONE);
                locations.put(locationKey(str(attr(index, "fqn")), offset), loc);
            }
            List<Item> items = new ArrayList<>();
            for (Map.Entry<PyValue, PyValue> e : dict(attr(md, "state_dict_metadata"), "state_dict_metadata")
                    .entrySet()) {
                String key = str(e.getKey());
                List<Object> path = paths.getOrDefault(key, List.of(key));
                PyValue.Obj meta = obj(e.getValue(), "StorageMetadata");
                if (meta.typeName().endsWith(".BytesStorageMetadata")) {
                    Location loc = locations.get(locationKey(key, PyValue.None.NONE));
                    if (loc == null) {
                        throw CheckpointException.corrupt(file, "no stored item for the value " + key);
                    }
                    items.add(new Item(key, path, null, new long[0], List.of(), loc));
                    continue;
                }
                DType dtype = dtype(key, attr(meta, "properties"));
                long[] size = longs(attr(meta, "size"));
                List<ChunkItem> chunks = new ArrayList<>();
                for (PyValue c : list(attr(meta, "chunks"))) {
                    PyValue.Obj chunk = obj(c, "ChunkStorageMetadata");
                    PyValue offsets = attr(chunk, "offsets");
                    Location loc = locations.get(locationKey(key, offsets));
                    if (loc == null) {
                        throw CheckpointException.corrupt(file, "no stored item for a chunk of " + key + " at "
                                + Arrays.toString(longs(offsets)));
                    }
                    chunks.add(new ChunkItem(longs(offsets), longs(attr(chunk, "sizes")), loc));
                }
                items.add(new Item(key, path, dtype, size, chunks, null));
            }
            return new DcpMetadata(items, globals);
        }

        private static String locationKey(String fqn, PyValue offsets) {
            return fqn + "\0" + (offsets instanceof PyValue.Tuple t ? t.items().toString() : "none");
        }

        private Map<String, List<Object>> plannerPaths(PyValue data) throws CheckpointException {
            Map<String, List<Object>> paths = new LinkedHashMap<>();
            if (data instanceof PyValue.None) {
                return paths;
            }
            for (Map.Entry<PyValue, PyValue> e : dict(data, "planner_data").entrySet()) {
                List<Object> path = new ArrayList<>();
                for (PyValue p : list(e.getValue())) {
                    if (p instanceof PyValue.Int i && i.value().bitLength() < 32) {
                        path.add(i.value().intValue());
                    } else if (p instanceof PyValue.Str s) {
                        path.add(s.value());
                    } else {
                        throw CheckpointException.corrupt(file, "planner_data of " + str(e.getKey())
                                + " holds a " + p.typeName() + ", not a key or index");
                    }
                }
                if (!path.isEmpty()) {
                    paths.put(str(e.getKey()), path);
                }
            }
            return paths;
        }

        private DType dtype(String key, PyValue properties) throws CheckpointException {
            PyValue.Obj p = obj(properties, "TensorProperties");
            PyValue d = p.state() instanceof PyValue.Tuple t && t.size() > 0 ? t.get(0)
                    : p.attributes().get(new PyValue.Str("dtype"));
            if (d instanceof PyValue.Global g && g.module().equals("torch")) {
                return DType.fromTorchName(g.name()).orElseThrow(() -> CheckpointException.corrupt(file,
                        "tensor " + key + " has the unknown dtype torch." + g.name()));
            }
            throw CheckpointException.corrupt(file, "tensor " + key + " has no dtype");
        }

        private PyValue.Obj obj(PyValue v, String what) throws CheckpointException {
            if (v instanceof PyValue.Obj o) {
                return o;
            }
            throw CheckpointException.corrupt(file, "expected a " + what + " object, found a "
                    + (v == null ? "missing value" : v.typeName()) + "; not DCP metadata");
        }

        private PyValue attr(PyValue.Obj o, String name) throws CheckpointException {
            PyValue v = o.attributes().get(new PyValue.Str(name));
            if (v == null) {
                throw CheckpointException.corrupt(file, o.typeName() + " without its field " + name);
            }
            return v;
        }

        private Map<PyValue, PyValue> dict(PyValue v, String what) throws CheckpointException {
            if (v instanceof PyValue.Dict d) {
                return d.entries();
            }
            throw CheckpointException.corrupt(file, what + " is a " + v.typeName() + ", not a dict");
        }

        private List<PyValue> list(PyValue v) throws CheckpointException {
            if (v instanceof PyValue.PyList l) {
                return l.items();
            }
            if (v instanceof PyValue.Tuple t) {
                return t.items();
            }
            throw CheckpointException.corrupt(file, "expected a list, found a " + v.typeName());
        }

        private long[] longs(PyValue v) throws CheckpointException {
            List<PyValue> items = list(v);
            long[] out = new long[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = integer(items.get(i));
            }
            return out;
        }

        private long integer(PyValue v) throws CheckpointException {
            if (v instanceof PyValue.Int i && i.value().bitLength() < 64) {
                return i.value().longValue();
            }
            throw CheckpointException.corrupt(file, "expected an integer, found a " + v.typeName());
        }

        private String str(PyValue v) throws CheckpointException {
            if (v instanceof PyValue.Str s) {
                return s.value();
            }
            throw CheckpointException.corrupt(file, "expected a string, found a " + v.typeName());
        }
    }
}
