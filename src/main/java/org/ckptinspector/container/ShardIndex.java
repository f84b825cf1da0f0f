package org.ckptinspector.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.model.CheckpointException;

/**
 * A shard index ({@code model.safetensors.index.json}, {@code pytorch_model.bin.index.json}): its weight_map
 * from tensor name to shard file, each shard a plain file name in the index's folder (anything that could leave
 * the folder is refused).
 *
 * @param weightMap tensor name to shard file name, in the index's order
 * @param metadata the index's metadata object, or null
 */
public record ShardIndex(Path index, Map<String, String> weightMap, JsonNode metadata) {
    /** An index is small; a larger "index" is refused rather than parsed. */
    public static final long MAX_INDEX_BYTES = 64L << 20;

    /** Parses {@code index}. */
    public static ShardIndex read(Path index) throws IOException {
        if (Files.size(index) > MAX_INDEX_BYTES) {
            throw CheckpointException.limit(index, "shard index is larger than " + MAX_INDEX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw CheckpointException.corrupt(index, "shard index is not valid JSON");
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                    index + ": JSON file without a weight_map, not a shard index");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText();
            if (!e.getValue().isTextual() || shard.isEmpty() || shard.contains("/") || shard.contains("\\")
                    || shard.equals("..") || shard.equals(".")) {
                throw CheckpointException.corrupt(index, "weight_map entry '" + e.getKey()
                        + "' names an invalid shard file " + e.getValue());
            }
            weightMap.put(e.getKey(), shard);
        }
        JsonNode meta = root.get("metadata");
        return new ShardIndex(index, java.util.Collections.unmodifiableMap(weightMap),
                meta != null && meta.isObject() ? meta : null);
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
}
