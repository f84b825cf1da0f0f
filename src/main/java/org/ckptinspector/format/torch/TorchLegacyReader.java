package org.ckptinspector.format.torch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.container.LegacyStream;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.pickle.RestrictedUnpickler;

/**
 * Reads the legacy pickle stream of torch &lt; 1.6 and {@code _use_new_zipfile_serialization=False}
 * (docs/checkpoint-formats.md §7.1): five pickles (magic number, protocol version, sys_info, the object, the storage
 * keys), then per key an int64 element count and the raw little-endian bytes. Storages are located by walking those
 * headers in key-list order; their element sizes come from the object pickle, so it is read twice (once to learn the
 * storage types, once with the storages bound). No tensor data is read.
 */
public final class TorchLegacyReader {

    private TorchLegacyReader() {}

    public static Checkpoint read(Path file) throws IOException {
        return TorchCheckpoints.readMapped(file, (mapped, resources) -> read(file, mapped, resources));
    }

    private static Checkpoint read(Path file, MappedFile mapped, List<Closeable> resources) throws IOException {
        List<String> warnings = new ArrayList<>();
        List<GlobalRef> globals = new ArrayList<>();
        long pos = 0;
        RestrictedUnpickler.Result magic;
        try {
            magic = plain(file, mapped, pos, 1, globals);
        } catch (CheckpointException e) {
            if (e.kind() != CheckpointException.Kind.CORRUPT) {
                throw e;
            }
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": not a PyTorch "
                    + "checkpoint, pickle or safetensors file (read as a pickle it fails at once: "
                    + e.getMessage().substring(e.getMessage().indexOf(": ") + 2) + ")");
        }
        if (!LegacyStream.isMagic(magic.value())) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": a pickle without "
                    + "torch's magic number, not written by torch.save (torch: invalid magic number)");
        }
        pos += magic.end();
        RestrictedUnpickler.Result protocol = plain(file, mapped, pos, 2, globals);
        if (!(protocol.value() instanceof PyValue.Int p) || p.value().longValue() != LegacyStream.PROTOCOL_VERSION) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file
                    + ": unsupported legacy protocol version " + protocol.value());
        }
        pos += protocol.end();
        pos += plain(file, mapped, pos, 3, globals).end();
        long objectStart = pos;
        ByteRegion objectPickle = mapped.region(objectStart, mapped.length() - objectStart);

        StorageTable declared = new StorageTable(noRecords(), false, new ArrayList<>());
        RestrictedUnpickler.Result firstPass = TorchCheckpoints.unpickle(file, "pickle 4", objectPickle, declared,
                new ArrayList<>());
        pos = objectStart + firstPass.end();
        RestrictedUnpickler.Result keys = plain(file, mapped, pos, 5, new ArrayList<>());
        pos += keys.end();
        Map<String, ByteRegion> regions = locate(file, mapped, pos, keyList(file, keys.value()),
                declared.storages(), warnings);

        StorageTable storages = new StorageTable(new StorageTable.Records() {
            @Override
            public ByteRegion find(String key) {
                return regions.get(key);
            }

            @Override
            public String describe(String key) {
                return "legacy storage " + key;
            }
        }, false, warnings);
        RestrictedUnpickler.Result object = TorchCheckpoints.unpickle(file, "pickle 4", objectPickle, storages,
                warnings);
        globals.addAll(object.globals());
        globals.addAll(keys.globals());
        return TorchCheckpoints.assemble(file, Format.TORCH_LEGACY, object.value(), globals, warnings, resources);
    }

    /** One of the plain pickles around the object pickle (no persistent ids). */
    private static RestrictedUnpickler.Result plain(Path file, MappedFile mapped, long pos, int index,
            List<GlobalRef> globals) throws CheckpointException {
        if (pos >= mapped.length()) {
            throw CheckpointException.corrupt(file, "the legacy stream ends before pickle " + index
                    + " (truncated?)");
        }
        String record = "pickle " + index;
        RestrictedUnpickler.Result r = new RestrictedUnpickler(record, file + ", " + record, new PythonCalls(),
                null).load(mapped.region(pos, mapped.length() - pos));
        globals.addAll(r.globals());
        return r;
    }

    private static StorageTable.Records noRecords() {
        return new StorageTable.Records() {
            @Override
            public ByteRegion find(String key) {
                return null;
            }

            @Override
            public String describe(String key) {
                return key;
            }
        };
    }

    private static List<String> keyList(Path file, PyValue v) throws CheckpointException {
        List<PyValue> items;
        if (v instanceof PyValue.PyList l) {
            items = l.items();
        } else if (v instanceof PyValue.Tuple t) {
            items = t.items();
        } else {
            throw CheckpointException.corrupt(file, "pickle 5 should list the storage keys but holds a "
                    + v.typeName());
        }
        List<String> keys = new ArrayList<>();
        for (PyValue k : items) {
            if (k instanceof PyValue.Str s) {
                keys.add(s.value());
            } else if (k instanceof PyValue.Int i) {
                keys.add(i.value().toString());
            } else {
                throw CheckpointException.corrupt(file, "pickle 5 holds a storage key of type " + k.typeName());
            }
        }
        return keys;
    }

    /**
     * Walks the storage blocks ({@code int64 count} + bytes) in key order. A block that does not fit ends the walk:
     * the storages from there on have no data, with a warning.
     */
    private static Map<String, ByteRegion> locate(Path file, MappedFile mapped, long start, List<String> keys,
            Map<String, Storage> declared, List<String> warnings) throws IOException {
        Map<String, ByteRegion> regions = new HashMap<>();
        long pos = start;
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            Storage s = declared.get(key);
            if (s == null) {
                warnings.add("storage '" + key + "' is listed in pickle 5 but no tensor uses it; the storages "
                        + "after it cannot be located");
                return regions;
            }
            if (pos > mapped.length() - 8) {
                warnings.add("the file ends before the data of storage '" + key + "' and " + (keys.size() - i - 1)
                        + " more (truncated?)");
                return regions;
            }
            long count = mapped.slice(pos, 8).getLong(0);
            int item = s.dtype().itemSize();
            long bytes = count < 0 || count > Long.MAX_VALUE / item ? -1 : count * item;
            if (bytes < 0 || bytes > mapped.length() - pos - 8) {
                warnings.add("the data of storage '" + key + "' (" + count + " elements at offset " + pos
                        + ") reaches past the end of the file (truncated?)");
                return regions;
            }
            if (bytes != s.byteSize()) {
                warnings.add("storage '" + key + "' holds " + bytes + " bytes but the pickle declares "
                        + s.byteSize());
            }
            regions.put(key, mapped.region(pos + 8, bytes));
            pos += 8 + bytes;
        }
        if (pos != mapped.length()) {
            warnings.add((mapped.length() - pos) + " unexpected bytes follow the last storage");
        }
        return regions;
    }
}
