package org.ckptinspector.format.sharded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.container.ShardIndex;
import org.ckptinspector.export.TorchPython;
import org.ckptinspector.model.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder's JSON files (a config, a shard index) against transformers' own reading of them
 * (src/test/python/json_reads.py): variants of the real fixture files in other encodings, with a byte order mark,
 * with NaN and Infinity as Python's json writes them, with text after the value, empty. Each variant is read by
 * {@link JsonTree} or {@link ShardIndex} exactly when transformers reads it; a refusal names the file.
 */
class JsonFilesDifferentialTest {
    private static final Path SCRIPT = Path.of("src/test/python/json_reads.py");
    private static final Path RANDOM = Path.of("src/test/python/random_json.py");
    private static final Path CONFIG = Path.of("src/test/resources/fixtures/llm-folders/hf-llama/config.json");
    private static final Path INDEX = Path.of(
            "src/test/resources/fixtures/llm-folders/hf-llama-sharded/model.safetensors.index.json");

    @TempDir
    Path dir;

    /** A way to read one file: it returns normally when the file is read, throws when it is refused. */
    private interface Reader {
        void read(Path file) throws IOException;
    }

    @Test
    void configsAndIndexesAreReadExactlyWhenTransformersReadsThem() throws Exception {
        Map<Path, Reader> files = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> v : variants(Files.readString(CONFIG)).entrySet()) {
            files.put(Files.write(dir.resolve("config-" + v.getKey() + ".json"), v.getValue()), JsonTree::read);
        }
        for (Map.Entry<String, byte[]> v : variants(Files.readString(INDEX)).entrySet()) {
            files.put(Files.write(dir.resolve("index-" + v.getKey() + ".json"), v.getValue()), ShardIndex::read);
        }
        JsonNode python = TorchPython.torch213().runJson(SCRIPT, files.keySet().stream().map(Path::toString)
                .toList()).get("files");
        List<String> problems = new ArrayList<>();
        int read = 0;
        int refused = 0;
        for (Map.Entry<Path, Reader> f : files.entrySet()) {
            JsonNode want = python.get(f.getKey().toString());
            String ours;
            try {
                f.getValue().read(f.getKey());
                ours = null;
            } catch (CheckpointException e) {
                ours = e.getMessage();
                assertTrue(ours.startsWith(f.getKey().toString()), "the refusal names the file: " + ours);
            }
            boolean loads = want.get("loads").asBoolean();
            if (loads != (ours == null)) {
                problems.add(f.getKey().getFileName() + ": transformers " + (loads ? "reads it"
                        : "refuses it (" + want.get("error").asText() + ")") + ", here "
                        + (ours == null ? "it is read" : "refused: " + ours));
            }
            read += loads ? 1 : 0;
            refused += loads ? 0 : 1;
        }
        assertEquals(List.of(), problems);
        assertTrue(read >= 10 && refused >= 20, "both outcomes are compared: " + read + " read, " + refused
                + " refused");
    }

    /**
     * 4,000 random JSON-like texts (random_json.py, fixed seed: NaN and -INF, leading zeros, single quotes,
     * trailing commas, odd whitespace, lone surrogates, text after the value): a file of each is read exactly when
     * Python's json.loads reads the text.
     */
    @Test
    void randomTextsAreReadExactlyWhenPythonsJsonReadsThem() throws Exception {
        JsonNode python = TorchPython.torch213().runJson(RANDOM, List.of("20261207", "4000")).get("texts");
        List<String> problems = new ArrayList<>();
        int loads = 0;
        Path file = dir.resolve("random.json");
        for (var it = python.fields(); it.hasNext(); ) {
            var e = it.next();
            boolean load = e.getValue().get("loads").asBoolean();
            loads += load ? 1 : 0;
            Files.writeString(file, e.getKey());
            String ours;
            try {
                JsonTree.read(file);
                ours = null;
            } catch (CheckpointException x) {
                ours = x.getMessage();
            }
            if (load != (ours == null)) {
                problems.add(new ObjectMapper().writeValueAsString(e.getKey()) + ": json.loads "
                        + (load ? "reads it" : "refuses it (" + e.getValue().get("error").asText() + ")")
                        + ", here " + (ours == null ? "it is read" : "refused: " + ours));
            }
        }
        assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())), problems.size() + " problems");
        assertTrue(loads > 50 && python.size() == 4000, loads + " of " + python.size() + " read");
    }

    /** The text in other encodings and forms; what each one should give is transformers' to say. */
    private static Map<String, byte[]> variants(String text) {
        Map<String, byte[]> v = new LinkedHashMap<>();
        v.put("as-is", utf8(text));
        v.put("leading-whitespace", utf8(" \n\t" + text));
        v.put("trailing-newlines", utf8(text + "\n\n"));
        v.put("utf8-bom", utf8("\ufeff" + text));
        v.put("utf16le", text.getBytes(StandardCharsets.UTF_16LE));
        v.put("utf16be", text.getBytes(StandardCharsets.UTF_16BE));
        v.put("utf16-bom", text.getBytes(StandardCharsets.UTF_16));
        v.put("utf32le", text.getBytes(Charset.forName("UTF-32LE")));
        v.put("utf32be", text.getBytes(Charset.forName("UTF-32BE")));
        for (String number : new String[] {"NaN", "Infinity", "-Infinity", "nan", "inf", "-INF"}) {
            v.put("number-" + number, utf8(text.replaceFirst("\\{", "{\"x\": " + number + ", ")));
        }
        v.put("second-value", utf8(text + " {}"));
        v.put("trailing-word", utf8(text + " x"));
        v.put("empty", new byte[0]);
        return v;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
