package org.ckptinspector.format.sharded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;

/**
 * Opens a shard index ({@code model.safetensors.index.json}, {@code pytorch_model.bin.index.json}) as one
 * checkpoint across all its shards, each shard read by the reader its content calls for.
 */
public final class ShardedReader {
    /** An index is small; a larger "index" is refused rather than parsed. */
    static final long MAX_INDEX_BYTES = 64L << 20;

    private ShardedReader() {}

    /** True for a JSON object that mentions a weight_map near its start. */
    public static boolean sniff(ByteBuffer head) {
        String text = StandardCharsets.UTF_8.decode(head.duplicate()).toString().stripLeading();
        return text.startsWith("{") && (text.contains("\"weight_map\"") || text.contains("\"metadata\""));
    }

    public static Checkpoint read(Path index) throws IOException {
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
        Set<String> shardNames = new LinkedHashSet<>();
        Iterator<Map.Entry<String, JsonNode>> it = map.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText();
            if (!e.getValue().isTextual() || shard.contains("/") || shard.contains("\\") || shard.equals("..")) {
                throw CheckpointException.corrupt(index, "weight_map entry '" + e.getKey()
                        + "' names an invalid shard file " + e.getValue());
            }
            weightMap.put(e.getKey(), shard);
            shardNames.add(shard);
        }
        Path dir = index.toAbsolutePath().getParent();
        List<Closeable> resources = new ArrayList<>();
        List<TensorRef> tensors = new ArrayList<>();
        List<GlobalRef> globals = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        PyValue.Dict tree = new PyValue.Dict();
        try {
            for (String shardName : shardNames) {
                Path shardPath = dir.resolve(shardName);
                if (!Files.exists(shardPath)) {
                    warnings.add("shard " + shardName + " is missing; its tensors are not shown");
                    continue;
                }
                Checkpoint shard = CheckpointOpener.open(shardPath);
                resources.add(shard);
                globals.addAll(shard.globals());
                for (String w : shard.warnings()) {
                    warnings.add(shardName + ": " + w);
                }
                Map<String, TensorRef> byKey = shard.tensorsByKey();
                for (Map.Entry<String, String> e : weightMap.entrySet()) {
                    if (!e.getValue().equals(shardName)) {
                        continue;
                    }
                    TensorRef t = byKey.get(e.getKey());
                    if (t == null) {
                        warnings.add("tensor " + e.getKey() + " is listed in the index but missing from "
                                + shardName);
                        continue;
                    }
                    TensorRef placed = t.withLocation(e.getKey(), List.of(e.getKey()));
                    tensors.add(placed);
                    tree.put(new PyValue.Str(e.getKey()), new PyValue.Tensor(placed));
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Closeable c : resources) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // the original failure is the one to report
                }
            }
            throw e;
        }
        PyValue.Dict metadata = new PyValue.Dict();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(m -> metadata.put(new PyValue.Str(m.getKey()),
                    JsonTree.convert(m.getValue())));
        }
        return new Checkpoint(index, Format.SHARDED, tree, tensors, globals, warnings, metadata, resources);
    }
}
