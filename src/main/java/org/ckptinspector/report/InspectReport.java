package org.ckptinspector.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.security.CheckpointGlobals;
import org.ckptinspector.values.TensorHash;

/** The {@code inspect --json} document of the CLI contract. */
public final class InspectReport {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private InspectReport() {}

    public static ObjectNode toJson(Checkpoint c, boolean withHash) throws IOException {
        ObjectNode root = F.objectNode();
        root.put("file", c.file().toString());
        root.put("format", c.format().id());
        ArrayNode tensors = root.putArray("tensors");
        for (TensorRef t : c.tensors()) {
            tensors.add(tensor(t, withHash));
        }
        List<String> names = CheckpointGlobals.names(c);
        ArrayNode globals = root.putArray("globals");
        names.forEach(globals::add);
        ArrayNode unsafe = root.putArray("unsafe_globals");
        CheckpointGlobals.unsafe(names).forEach(unsafe::add);
        ArrayNode warnings = root.putArray("warnings");
        Set<String> seen = new LinkedHashSet<>(c.warnings());
        for (TensorRef t : c.tensors()) {
            for (String p : t.problems()) {
                seen.add(t.key() + ": " + p);
            }
        }
        seen.forEach(warnings::add);
        root.set("metadata", JsonValues.toJson(c.metadata()));
        return root;
    }

    public static ObjectNode tensor(TensorRef t, boolean withHash) throws IOException {
        ObjectNode o = F.objectNode();
        o.put("key", t.key());
        ArrayNode path = o.putArray("path");
        for (Object p : t.path()) {
            if (p instanceof Integer i) {
                path.add(i);
            } else {
                path.add(String.valueOf(p));
            }
        }
        o.put("dtype", t.dtype().torchName());
        ArrayNode shape = o.putArray("shape");
        for (long d : t.shape()) {
            shape.add(d);
        }
        ArrayNode stride = o.putArray("stride");
        for (long s : t.stride()) {
            stride.add(s);
        }
        o.put("storage_offset", t.storageOffset());
        o.put("numel", t.numel());
        if (t.storage() != null && t.storage().shareable()) {
            o.put("storage", t.storage().key());
        } else {
            o.putNull("storage");
        }
        if (withHash) {
            String hash = TensorValuesHash.hashOrNull(t);
            if (hash == null) {
                o.putNull("sha256");
            } else {
                o.put("sha256", hash);
            }
        }
        return o;
    }

    /** Hashes tensors with values (dense or sparse); meta tensors and tensors with problems have no hash. */
    static final class TensorValuesHash {
        private TensorValuesHash() {}

        static String hashOrNull(TensorRef t) throws IOException {
            return t.hasValues() ? TensorHash.sha256(t) : null;
        }
    }
}
