package org.ckptinspector.format.sharded;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import org.ckptinspector.container.JsonText;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.PyValue;

/** Small JSON files (a shard index's metadata, a folder's {@code config.json}) as plain values. */
public final class JsonTree {
    /** Configuration files are small; a larger one is refused rather than parsed. */
    static final long MAX_BYTES = 64L << 20;

    private JsonTree() {}

    /** The JSON document of {@code file}, refused beyond {@value #MAX_BYTES} bytes. */
    public static PyValue read(Path file) throws CheckpointException {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw CheckpointException.limit(file, "JSON file larger than " + MAX_BYTES + " bytes");
            }
            try (JsonParser p = JsonText.python(file, "the file")) {
                return convert(new ObjectMapper().readTree(p));
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw CheckpointException.corrupt(file, "not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw CheckpointException.io(file, e);
        }
    }

    /** Converts without recursion: Jackson bounds the nesting depth it parses, the walk here needs none. */
    public static PyValue convert(JsonNode root) {
        Deque<Object[]> todo = new ArrayDeque<>();
        PyValue top = shell(root);
        todo.push(new Object[] {root, top});
        while (!todo.isEmpty()) {
            Object[] job = todo.pop();
            JsonNode node = (JsonNode) job[0];
            if (job[1] instanceof PyValue.Dict d) {
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    PyValue child = shell(e.getValue());
                    d.put(new PyValue.Str(e.getKey()), child);
                    todo.push(new Object[] {e.getValue(), child});
                }
            } else if (job[1] instanceof PyValue.PyList l) {
                for (JsonNode item : node) {
                    PyValue child = shell(item);
                    l.add(child);
                    todo.push(new Object[] {item, child});
                }
            }
        }
        return top;
    }

    /** The value of a scalar, or an empty container to be filled. */
    private static PyValue shell(JsonNode n) {
        if (n.isObject()) {
            return new PyValue.Dict();
        }
        if (n.isArray()) {
            return new PyValue.PyList();
        }
        if (n.isIntegralNumber()) {
            return new PyValue.Int(n.bigIntegerValue());
        }
        if (n.isNumber()) {
            return new PyValue.Float(n.doubleValue());
        }
        if (n.isBoolean()) {
            return new PyValue.Bool(n.booleanValue());
        }
        if (n.isNull()) {
            return PyValue.None.NONE;
        }
        return new PyValue.Str(n.asText());
    }
}
