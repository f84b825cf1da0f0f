package org.ckptinspector.format.sharded;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.PyValue;

/**
 * The two parts of a shard index the reader uses, read with Jackson's streaming parser. JSON's rules are those
 * of a parsed tree: a repeated key keeps its first place and its last value, and text after the root value is
 * ignored. Only a value that is neither text nor a scalar (an object in the metadata, a number for a shard name)
 * is built as a tree, for its JSON text.
 *
 * @param weightMap tensor key to the value of its shard entry: a {@link String} when it is JSON text, else the
 *     value's JSON text wrapped in {@link NotText}; null when the index has no weight_map object
 * @param metadata the {@code metadata} object's scalar values, other values as their JSON text
 */
record ShardIndex(Map<String, Object> weightMap, PyValue.Dict metadata) {
    private static final JsonFactory JSON = new JsonFactory();

    /** A weight_map value that is not JSON text, as JSON. */
    record NotText(String json) {
        @Override
        public String toString() {
            return json;
        }
    }

    static ShardIndex parse(Path index) throws IOException {
        try (JsonParser p = JSON.createParser(index.toFile())) {
            JsonToken root = p.nextToken();
            if (root != JsonToken.START_OBJECT) {
                p.skipChildren();
                return new ShardIndex(null, new PyValue.Dict());
            }
            Map<String, Object> weightMap = null;
            Map<String, PyValue> metadata = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("weight_map")) {
                    weightMap = value == JsonToken.START_OBJECT ? entries(p) : skip(p);
                } else if (field.equals("metadata")) {
                    metadata = value == JsonToken.START_OBJECT ? metadata(p) : emptyAfter(p);
                } else {
                    p.skipChildren();
                }
            }
            PyValue.Dict meta = new PyValue.Dict();
            metadata.forEach((k, v) -> meta.put(new PyValue.Str(k), v));
            return new ShardIndex(weightMap, meta);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw CheckpointException.corrupt(index, "shard index is not valid JSON");
        }
    }

    private static Map<String, Object> skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static Map<String, PyValue> emptyAfter(JsonParser p) throws IOException {
        p.skipChildren();
        return new LinkedHashMap<>();
    }

    private static Map<String, Object> entries(JsonParser p) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            out.put(key, p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : new NotText(treeText(p)));
        }
        return out;
    }

    private static Map<String, PyValue> metadata(JsonParser p) throws IOException {
        Map<String, PyValue> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            out.put(key, scalar(p, p.nextToken()));
        }
        return out;
    }

    private static PyValue scalar(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NUMBER_INT -> new PyValue.Int(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> new PyValue.Float(p.getDoubleValue());
            case VALUE_TRUE -> new PyValue.Bool(true);
            case VALUE_FALSE -> new PyValue.Bool(false);
            case VALUE_NULL -> PyValue.None.NONE;
            case VALUE_STRING -> new PyValue.Str(p.getText());
            default -> new PyValue.Str(treeText(p));
        };
    }

    /** The current value as a tree prints it; data binding is loaded only here, for values no index has. */
    private static String treeText(JsonParser p) throws IOException {
        return new ObjectMapper().readTree(p).toString();
    }
}
