package org.ckptinspector.container;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.PyValue;

/**
 * A shard index ({@code model.safetensors.index.json}, {@code pytorch_model.bin.index.json}): its weight_map
 * from tensor name to shard file, each shard a plain file name in the index's folder (anything that could leave
 * the folder is refused). Read with Jackson's streaming parser as transformers' {@code json.loads} reads it: a
 * repeated key keeps its first place and its last value, and nothing but whitespace may follow the root value
 * ({@link JsonText}). Only a shard name that is not text is built as a tree, for its JSON text in the error.
 * Nesting is bounded by the parser's limit.
 *
 * @param weightMap tensor name to shard file name, in the index's order
 * @param metadata the index's metadata object as Python values; empty when none
 */
public record ShardIndex(Path index, Map<String, String> weightMap, PyValue.Dict metadata) {
    /** An index is small; a larger "index" is refused rather than parsed. */
    public static final long MAX_INDEX_BYTES = 64L << 20;

    /** Parses {@code index}. */
    public static ShardIndex read(Path index) throws IOException {
        if (Files.size(index) > MAX_INDEX_BYTES) {
            throw CheckpointException.limit(index, "shard index is larger than " + MAX_INDEX_BYTES + " bytes");
        }
        Map<String, Object> entries = null;
        Map<String, PyValue> metadata = new LinkedHashMap<>();
        try (JsonParser p = JsonText.python(index, "shard index")) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
            } else {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("weight_map")) {
                        entries = value == JsonToken.START_OBJECT ? entries(p) : null;
                    } else if (field.equals("metadata")) {
                        metadata = value == JsonToken.START_OBJECT ? metadata(p) : new LinkedHashMap<>();
                    }
                    p.skipChildren();
                }
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw CheckpointException.corrupt(index, "shard index is not valid JSON");
        }
        if (entries == null) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                    index + ": JSON file without a weight_map, not a shard index");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            if (!(e.getValue() instanceof String shard) || shard.isEmpty() || shard.contains("/")
                    || shard.contains("\\") || shard.equals("..") || shard.equals(".")) {
                throw CheckpointException.corrupt(index, "weight_map entry '" + e.getKey()
                        + "' names an invalid shard file " + json(e.getValue()));
            }
            weightMap.put(e.getKey(), shard);
        }
        PyValue.Dict meta = new PyValue.Dict();
        metadata.forEach((k, v) -> meta.put(new PyValue.Str(k), v));
        return new ShardIndex(index, Collections.unmodifiableMap(weightMap), meta);
    }

    /** The distinct shard file names, in the index's order. */
    public Set<String> shards() {
        return new LinkedHashSet<>(weightMap.values());
    }

    /** Where shard {@code name} lies. */
    public Path shardPath(String name) {
        return index.toAbsolutePath().getParent().resolve(name);
    }

    /** The tensor names the index assigns to {@code shard}. */
    public List<String> tensorsOf(String shard) {
        return weightMap.entrySet().stream().filter(e -> e.getValue().equals(shard)).map(Map.Entry::getKey)
                .toList();
    }

    /** A weight_map entry's value: its text, or the JSON text of a value that is not text. */
    private record NotText(String json) {}

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
            out.put(key, value(p, p.nextToken()));
        }
        return out;
    }

    private static PyValue value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NUMBER_INT -> new PyValue.Int(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> new PyValue.Float(p.getDoubleValue());
            case VALUE_TRUE -> new PyValue.Bool(true);
            case VALUE_FALSE -> new PyValue.Bool(false);
            case VALUE_NULL -> PyValue.None.NONE;
            case VALUE_STRING -> new PyValue.Str(p.getText());
            case START_OBJECT -> {
                PyValue.Dict d = new PyValue.Dict();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    d.put(new PyValue.Str(key), value(p, p.nextToken()));
                }
                yield d;
            }
            case START_ARRAY -> {
                PyValue.PyList l = new PyValue.PyList();
                for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
                    l.add(value(p, item));
                }
                yield l;
            }
            default -> new PyValue.Str(p.getText());
        };
    }

    /** The current value as a tree prints it; data binding is loaded only here, for shard names no index has. */
    private static String treeText(JsonParser p) throws IOException {
        return new ObjectMapper().readTree(p).toString();
    }

    /** A weight_map value as JSON, as the error names it. */
    private static String json(Object value) {
        if (value instanceof String text) {
            return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
        }
        return ((NotText) value).json();
    }
}
