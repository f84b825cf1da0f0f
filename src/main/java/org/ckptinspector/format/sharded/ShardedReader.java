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
import org.ckptinspector.container.ShardIndex;
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
    private ShardedReader() {}

    /** True for a JSON object that mentions a weight_map near its start. */
    public static boolean sniff(ByteBuffer head) {
        String text = StandardCharsets.UTF_8.decode(head.duplicate()).toString().stripLeading();
        return text.startsWith("{") && (text.contains("\"weight_map\"") || text.contains("\"metadata\""));
    }

    /** Opens one shard with the reader its content calls for. */
    @FunctionalInterface
    public interface ShardOpener {
        Checkpoint open(Path shard) throws IOException;
    }

    /** Reads the index and, through {@code opener}, every shard it lists. */
    public static Checkpoint read(Path index, ShardOpener opener) throws IOException {
        ShardIndex parsed = ShardIndex.read(index);
        Map<String, String> weightMap = parsed.weightMap();
        Set<String> shardNames = parsed.shards();
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
                Checkpoint shard = opener.open(shardPath);
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
        JsonNode meta = parsed.metadata();
        if (meta != null) {
            meta.fields().forEachRemaining(m -> metadata.put(new PyValue.Str(m.getKey()), 
                    JsonTree.convert(m.getValue())));
        }
        return new Checkpoint(index, Format.SHARDED, tree, tensors, globals, warnings, metadata, resources);
    }
}
