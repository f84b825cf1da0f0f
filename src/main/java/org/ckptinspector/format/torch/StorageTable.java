package org.ckptinspector.format.torch;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.pickle.RestrictedUnpickler;
import org.ckptinspector.pickle.ValueGraph;

/**
 * Resolves torch's persistent ids: {@code ('storage', type, key, location, numel[, view_metadata])} becomes a
 * {@link Storage} bound to the bytes of its record (nothing is read), {@code ('module', cls, …)} the class. As in
 * torch, the first reference to a key decides the storage's dtype; numel counts elements of the storage class,
 * or bytes for UntypedStorage.
 */
final class StorageTable implements RestrictedUnpickler.PersistentLoader {

    /** Where the file keeps each storage's bytes. */
    interface Records {
        /** The bytes of storage {@code key}, or null when the file does not have them. */
        ByteRegion find(String key) throws CheckpointException;

        /** How warnings name the place of storage {@code key} ({@code archive/data/3}). */
        String describe(String key);
    }

    private final Records records;
    private final boolean bigEndian;
    private final List<String> warnings;
    private final Map<String, Storage> storages = new LinkedHashMap<>();
    private final Map<String, Storage> views = new LinkedHashMap<>();

    StorageTable(Records records, boolean bigEndian, List<String> warnings) {
        this.records = records;
        this.bigEndian = bigEndian;
        this.warnings = warnings;
    }

    /** The storages referenced so far, by key, in first-reference order. */
    Map<String, Storage> storages() {
        return Collections.unmodifiableMap(storages);
    }

    @Override
    public PyValue load(PyValue pid, long offset) throws CheckpointException {
        if (pid instanceof PyValue.Tuple t && t.size() >= 1) {
            String kind = text(t.get(0));
            if ("storage".equals(kind) && t.size() >= 5) {
                return storage(t, offset);
            }
            if ("module".equals(kind) && t.size() >= 2) {
                return t.get(1);
            }
        }
        warnings.add("unknown persistent id " + describe(pid) + " at offset " + offset + " was read as None");
        return PyValue.None.NONE;
    }

    private PyValue storage(PyValue.Tuple t, long offset) throws CheckpointException {
        String key = text(t.get(2));
        if (key == null) {
            key = t.get(2) instanceof PyValue.Int i ? i.value().toString() : null;
        }
        if (!(t.get(1) instanceof PyValue.Global type) || key == null || !(t.get(4) instanceof PyValue.Int numel)) {
            warnings.add("malformed storage id " + describe(t) + " at offset " + offset + " was read as None");
            return PyValue.None.NONE;
        }
        Storage s = storages.get(key);
        if (s == null) {
            String location = text(t.get(3));
            s = bind(key, type, location == null ? "" : location, numel);
            storages.put(key, s);
        }
        if (t.size() > 5 && t.get(5) instanceof PyValue.Tuple view && view.size() == 3) {
            return new PyValue.StorageValue(view(s, view));
        }
        return new PyValue.StorageValue(s);
    }

    private Storage bind(String key, PyValue.Global type, String location, PyValue.Int numel)
            throws CheckpointException {
        DType dtype;
        if (type.name().equals("UntypedStorage")) {
            dtype = DType.UINT8;
        } else {
            dtype = DType.fromLegacyStorageClass(type.name()).orElse(null);
            if (dtype == null) {
                warnings.add("storage '" + key + "' has the unknown type " + type.qualifiedName()
                        + "; its bytes are shown as uint8");
                dtype = DType.UINT8;
            }
        }
        long declared;
        try {
            declared = Math.multiplyExact(numel.value().longValueExact(), (long) dtype.itemSize());
        } catch (ArithmeticException e) {
            declared = -1;
        }
        if (declared < 0) {
            warnings.add("storage '" + key + "' declares an impossible size of " + numel.value() + " elements");
            return new Storage(key, dtype, 0, location, null, true);
        }
        ByteRegion region = records.find(key);
        if (region == null) {
            warnings.add("the data of storage '" + key + "' (" + records.describe(key) + ") is missing");
            return new Storage(key, dtype, declared, location, null, true);
        }
        long size = declared;
        if (region.length() < declared) {
            warnings.add("storage '" + key + "' (" + records.describe(key) + ") holds " + region.length()
                    + " bytes but the pickle declares " + declared);
            size = region.length();
        }
        region = region.region(0, size);
        int unit = dtype.kind() == DType.Kind.COMPLEX ? dtype.itemSize() / 2 : dtype.itemSize();
        if (bigEndian && unit > 1) {
            region = new ByteSwappedRegion(region, unit);
        }
        return new Storage(key, dtype, size, location, region, true);
    }

    /** Legacy {@code (view_key, offset, size)}: a storage that is a slice of another, in its elements. */
    private Storage view(Storage root, PyValue.Tuple view) {
        String viewKey = text(view.get(0));
        if (viewKey == null || !(view.get(1) instanceof PyValue.Int off) || !(view.get(2) instanceof PyValue.Int n)) {
            warnings.add("malformed storage view " + describe(view) + " of storage '" + root.key() + "' ignored");
            return root;
        }
        return views.computeIfAbsent(viewKey, k -> {
            int item = root.dtype().itemSize();
            long start;
            long length;
            try {
                start = Math.multiplyExact(off.value().longValueExact(), item);
                length = Math.multiplyExact(n.value().longValueExact(), item);
            } catch (ArithmeticException e) {
                start = -1;
                length = -1;
            }
            if (start < 0 || length < 0 || start > root.byteSize() - length) {
                warnings.add("storage view '" + k + "' reaches past storage '" + root.key() + "'");
                return new Storage(k, root.dtype(), Math.max(length, 0), root.location(), null, true);
            }
            ByteRegion bytes = root.bytes() == null ? null : root.bytes().region(start, length);
            return new Storage(k, root.dtype(), length, root.location(), bytes, true);
        });
    }

    /** A str, or bytes from a Python 2 pickle decoded as ASCII, as torch's {@code _maybe_decode_ascii}. */
    private static String text(PyValue v) {
        if (v instanceof PyValue.Str s) {
            return s.value();
        }
        if (v instanceof PyValue.Bytes b) {
            return new String(b.value(), StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    private static String describe(PyValue v) {
        return ValueGraph.describe(v);
    }
}
