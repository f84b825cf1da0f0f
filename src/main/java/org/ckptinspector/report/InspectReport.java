package org.ckptinspector.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.GlobalPolicy;
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
        ArrayNode globals = root.putArray("globals");
        ArrayNode unsafe = root.putArray("unsafe_globals");
        for (String g : c.globalNames()) {
            globals.add(g);
        }
        for (GlobalRef g : c.globals()) {
            String q = g.qualifiedName();
            if (GlobalPolicy.classify(g.module(), g.name()) != GlobalClass.SAFE && !contains(unsafe, q)) {
                unsafe.add(q);
            }
        }
        ArrayNode warnings = root.putArray("warnings");
        c.warnings().forEach(warnings::add);
        for (TensorRef t : c.tensors()) {
            for (String p : t.problems()) {
                String w = t.key() + ": " + p;
                if (!contains(warnings, w)) {
                    warnings.add(w);
                }
            }
        }
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

    private static boolean contains(ArrayNode a, String s) {
        for (var n : a) {
            if (n.asText().equals(s)) {
                return true;
            }
        }
        return false;
    }

    /** Hashes tensors with values (dense or sparse); meta tensors and tensors with problems have no hash. */
    static final class TensorValuesHash {
        private TensorValuesHash() {}

        static String hashOrNull(TensorRef t) throws IOException {
            return t.hasValues() ? TensorHash.sha256(t) : null;
        }
    }
}
