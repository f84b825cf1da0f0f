package org.ckptinspector.format.torch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.container.TorchTar;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.pickle.RestrictedUnpickler;
import org.ckptinspector.pickle.ValueGraph;

/**
 * Reads the oldest torch format (torch ≤ 0.1.x, docs/checkpoint-formats.md §7.2): an uncompressed tar whose
 * {@code storages} member holds the storages (a pickled header and an int64 count before each), {@code tensors} the
 * tensors' shapes and strides, and {@code pickle} the object, which names tensors and storages by key. Storage bytes
 * stay in the mapped tar file.
 */
public final class TorchTarReader {
    private TorchTarReader() {}

    /**
     * Reads {@code file} as torch's tar path does ({@link TorchTar}); a file on which tarfile raises is read as
     * the legacy stream torch falls back to.
     */
    public static Checkpoint read(Path file) throws IOException {
        TorchTar[] plan = new TorchTar[1];
        try (MappedFile probe = MappedFile.open(file)) {
            plan[0] = TorchTar.read(probe, file.toString());
        }
        if (plan[0].alwaysStream()) {
            return TorchLegacyReader.read(file);
        }
        if (plan[0].outcome() == TorchTar.Outcome.FAILS) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": a tar archive torch "
                    + "cannot load: " + plan[0].problem());
        }
        return TorchCheckpoints.readMapped(file, (mapped, resources) -> {
            TorchTar tar = TorchTar.read(mapped, file.toString());
            List<String> warnings = new ArrayList<>();
            List<GlobalRef> globals = new ArrayList<>();
            Map<String, Storage> storages = storages(new Cursor(file, "storages", tar.member("storages"), globals),
                    warnings);
            Map<String, TensorRef> tensors = tensors(new Cursor(file, "tensors", tar.member("tensors"), globals),
                    storages);
            RestrictedUnpickler.Result r = TorchCheckpoints.unpickle(file, "pickle", tar.member("pickle"),
                    (pid, offset) -> resolve(pid, offset, tensors, storages, warnings), warnings);
            globals.addAll(0, r.globals());
            return TorchCheckpoints.assemble(file, Format.TORCH_TAR, r.value(), globals, warnings, resources);
        });
    }

    /** {@code num; ((key, location, type), int64 count, bytes) × num; views}. */
    private static Map<String, Storage> storages(Cursor in, List<String> warnings) throws IOException {
        Map<String, Storage> storages = new HashMap<>();
        long n = in.count(in.pickle());
        for (long i = 0; i < n; i++) {
            PyValue.Tuple header = in.tuple(in.pickle(), 3);
            String key = key(header.get(0));
            String type = header.get(2) instanceof PyValue.Global g ? g.module() + "." + g.name() : "?";
            int itemSize = TorchTar.elementSize(header).orElseThrow(() -> in.corrupt("storage " + key
                    + " has the type " + type + ", which is no torch storage class"));
            DType dtype = DType.fromLegacyStorageClass(type).filter(d -> d.itemSize() == itemSize).orElseThrow();
            long count = in.int64();
            ByteRegion bytes = in.take(count, dtype.itemSize());
            String location = header.get(1) instanceof PyValue.Str s ? s.value() : "";
            storages.put(key, new Storage(key, dtype, bytes.length(), location, bytes, true));
        }
        PyValue views = in.pickle();
        List<PyValue> list = views instanceof PyValue.PyList l ? l.items() : List.of();
        for (PyValue v : list) {
            PyValue.Tuple view = in.tuple(v, 4);
            Storage root = storages.get(key(view.get(1)));
            long offset = in.count(view.get(2));
            long numel = in.count(view.get(3));
            if (root == null) {
                warnings.add("storage view " + key(view.get(0)) + " refers to a missing storage");
                continue;
            }
            int item = root.dtype().itemSize();
            if (offset > root.byteSize() / item || numel > root.byteSize() / item - offset) {
                warnings.add("storage view " + key(view.get(0)) + " reaches past storage " + root.key());
                continue;
            }
            storages.put(key(view.get(0)), new Storage(key(view.get(0)), root.dtype(), numel * item,
                    root.location(), root.bytes().region(offset * item, numel * item), true));
        }
        return storages;
    }

    /** {@code num; ((key, storage key, type), int32 ndim, 4 pad, sizes, strides, int64 offset) × num}. */
    private static Map<String, TensorRef> tensors(Cursor in, Map<String, Storage> storages) throws IOException {
        Map<String, TensorRef> tensors = new HashMap<>();
        long n = in.count(in.pickle());
        for (long i = 0; i < n; i++) {
            PyValue.Tuple header = in.tuple(in.pickle(), 3);
            String key = key(header.get(0));
            Storage storage = storages.get(key(header.get(1)));
            if (storage == null) {
                throw in.corrupt("tensor " + key + " refers to a missing storage " + key(header.get(1)));
            }
            long ndim = in.int64() & 0xffffffffL;
            if (ndim > 64) {
                throw in.corrupt("tensor " + key + " declares " + ndim + " dimensions");
            }
            long[] size = new long[(int) ndim];
            long[] stride = new long[(int) ndim];
            for (int d = 0; d < ndim; d++) {
                size[d] = in.int64();
            }
            for (int d = 0; d < ndim; d++) {
                stride[d] = in.int64();
            }
            long offset = in.int64();
            tensors.put(key, TensorRef.strided(storage.dtype(), size, stride, offset, storage).checked());
        }
        return tensors;
    }

    private static PyValue resolve(PyValue pid, long offset, Map<String, TensorRef> tensors,
            Map<String, Storage> storages, List<String> warnings) {
        if (pid instanceof PyValue.Tuple t && t.size() >= 2 && t.get(0) instanceof PyValue.Str s
                && s.value().equals("module")) {
            return t.get(1);
        }
        String key = pid instanceof PyValue.Str || pid instanceof PyValue.Int ? key(pid) : null;
        if (key != null && tensors.containsKey(key)) {
            return new PyValue.Tensor(tensors.get(key));
        }
        if (key != null && storages.containsKey(key)) {
            return new PyValue.StorageValue(storages.get(key));
        }
        warnings.add("persistent id " + ValueGraph.describe(pid) + " at offset " + offset + " names no tensor or storage; read as None");
        return PyValue.None.NONE;
    }

    private static String key(PyValue v) {
        if (v instanceof PyValue.Int i) {
            return i.value().toString();
        }
        if (v instanceof PyValue.Str s) {
            return s.value().strip();
        }
        return ValueGraph.describe(v);
    }

    /** Reads consecutive pickles and little-endian fields from one tar member. */
    private static final class Cursor {
        private final Path file;
        private final String member;
        private final ByteRegion bytes;
        private final List<GlobalRef> globals;
        private long pos;

        Cursor(Path file, String member, ByteRegion bytes, List<GlobalRef> globals) {
            this.file = file;
            this.member = member;
            this.bytes = bytes;
            this.globals = globals;
        }

        PyValue pickle() throws CheckpointException {
            if (pos >= bytes.length()) {
                throw corrupt("ends before the next pickle at offset " + pos);
            }
            RestrictedUnpickler.Result r = new RestrictedUnpickler(member, file + ", member " + member,
                    new PythonCalls(), null).load(bytes.region(pos, bytes.length() - pos));
            globals.addAll(r.globals());
            pos += r.end();
            return r.value();
        }

        long int64() throws IOException {
            if (pos > bytes.length() - 8) {
                throw corrupt("ends inside a number at offset " + pos);
            }
            long v = bytes.slice(pos, 8).getLong(0);
            pos += 8;
            return v;
        }

        /** {@code count} elements of {@code item} bytes, as a region; advances past them. */
        ByteRegion take(long count, int item) throws CheckpointException {
            if (count < 0 || count > (bytes.length() - pos) / item) {
                throw corrupt("declares " + count + " elements at offset " + pos + ", more than the member holds");
            }
            ByteRegion r = bytes.region(pos, count * item);
            pos += count * item;
            return r;
        }

        long count(PyValue v) throws CheckpointException {
            if (v instanceof PyValue.Int i && i.value().signum() >= 0 && i.value().bitLength() < 63) {
                return i.value().longValue();
            }
            throw corrupt("expected a count at offset " + pos + ", found " + v.typeName());
        }

        PyValue.Tuple tuple(PyValue v, int size) throws CheckpointException {
            if (v instanceof PyValue.Tuple t && t.size() == size) {
                return t;
            }
            throw corrupt("expected a " + size + "-tuple at offset " + pos + ", found " + ValueGraph.describe(v));
        }

        CheckpointException corrupt(String reason) {
            return CheckpointException.corrupt(file, "tar member " + member + " " + reason);
        }
    }
}
