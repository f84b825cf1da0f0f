package org.ckptinspector.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.PyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streamed shard index reads what Jackson's tree of the same file holds (the way the index was read before):
 * repeated keys, nested and non-text values, numbers of every kind.
 */
class ShardIndexTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"weight_map\": {\"a\": \"s1\", \"b\": \"s2\", \"a\": \"s3\"}, \"metadata\": {\"total_size\": 123}}",
        "{\"metadata\": {\"x\": 1.5e300, \"y\": -0.0, \"z\": 123456789012345678901234567890, \"t\": true,"
                + " \"n\": null, \"o\": {\"k\": [1, 2.50, \"v\\u00e9\\n\"], \"k\": 3}, \"s\": \"text\", \"x\": 2},"
                + " \"weight_map\": {\"w\": \"a.bin\", \"q\": \"b.bin\"}}",
        "{\"weight_map\": [], \"weight_map\": {\"a\": \"s\"}, \"metadata\": 7}",
        "{\"weight_map\": {}, \"metadata\": [1, 2]}",
        "{\"weight_map\": {\"w\": 5}}",
        "{\"weight_map\": {\"q\": {\"r\": 1}}}",
        "{\"weight_map\": {\"u\": \"a\\\"/b\"}}",
        "{\"weight_map\": {\"u\": \"x\", \"u\": \"\"}}",
        "{\"weight_map\": 3}",
        "[{\"weight_map\": {\"a\": \"s\"}}]",
        "\"weight_map\"",
    })
    void readsWhatATreeOfTheFileHolds(String json) throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors.index.json"), json);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> ShardIndex.read(file));
            assertEquals(file + ": JSON file without a weight_map, not a shard index", e.getMessage());
            return;
        }
        Map<String, String> expected = new LinkedHashMap<>();
        String invalid = null;
        for (var it = map.fields(); it.hasNext(); ) {
            var e = it.next();
            String shard = e.getValue().asText();
            if (invalid == null && (!e.getValue().isTextual() || shard.isEmpty() || shard.contains("/")
                    || shard.contains("\\") || shard.equals("..") || shard.equals("."))) {
                invalid = file + ": weight_map entry '" + e.getKey() + "' names an invalid shard file " + e.getValue();
            }
            expected.put(e.getKey(), shard);
        }
        if (invalid != null) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> ShardIndex.read(file));
            assertEquals(invalid, e.getMessage());
            return;
        }
        ShardIndex parsed = ShardIndex.read(file);
        assertEquals(expected, parsed.weightMap());
        PyValue.Dict expectedMeta = new PyValue.Dict();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(m -> expectedMeta.put(new PyValue.Str(m.getKey()), org.ckptinspector.format.sharded.JsonTree.convert(m.getValue())));
        }
        assertEquals(json(expectedMeta), json(parsed.metadata()));
    }

    /** What json.loads refuses (JsonFilesDifferentialTest holds more against transformers itself). */
    @ParameterizedTest
    @ValueSource(strings = {"{\"weight_map\": {\"a\": \"s\"", "{\"weight_map\": {\"a\": s}}", "[1, 2",
        "{\"weight_map\": {\"a\": \"s\"}} trailing", ""})
    void invalidJsonIsReportedAsSuch(String json) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.index.json"), json);
        CheckpointException e = assertThrows(CheckpointException.class, () -> ShardIndex.read(file));
        assertTrue(e.getMessage().startsWith(file + ": shard index is not valid JSON: "), e.getMessage());
    }

    @Test
    void aFileThatIsNotThereIsNamedAsMissing() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ShardIndex.read(dir.resolve("missing.json")));
    }

    /** A value's JSON text as reports write it: Python containers compare by identity. */
    private static String json(PyValue v) throws IOException {
        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            org.ckptinspector.report.JsonValues.write(v, g);
        }
        return out.toString();
    }
}
