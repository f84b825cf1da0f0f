package org.ckptinspector.format.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.stats.StatsOptions;
import org.ckptinspector.stats.TensorStatistics;
import org.ckptinspector.stats.TensorStats;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorHash;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The GGUF, numpy and torch.export fixtures (written by gguf-py, numpy and torch.export.save) open as the manifest
 * their libraries' own readers wrote says: every tensor's key, dtype, shape and sha256; for GGUF quantized tensors
 * the sha256, first values and statistics of gguf-py's dequantized values; arrays numpy or torch do not hold as
 * numbers are reported, not read.
 */
class LlmFilesManifestTest {
    static final Path DIR = Fixtures.ROOT.resolve("llm");

    static JsonNode manifest() throws Exception {
        return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
    }

    @TestFactory
    Stream<DynamicTest> everyFileMatchesItsManifest() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> files = manifest().fields();
        while (files.hasNext()) {
            Map.Entry<String, JsonNode> f = files.next();
            if (!f.getKey().startsWith("_")) {
                tests.add(DynamicTest.dynamicTest(f.getKey(), () -> check(f.getKey(), f.getValue())));
            }
        }
        return tests.stream();
    }

    private static void check(String name, JsonNode expected) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(DIR.resolve(name))) {
            assertEquals(expected.get("format").asText(), c.format().id(), name);
            List<String> read = new ArrayList<>();
            for (JsonNode t : expected.get("tensors")) {
                String key = t.get("key").asText();
                String what = name + " " + key;
                if (t.has("read") && !t.get("read").asBoolean()) {
                    assertTrue(c.tensor(key).isEmpty(), what + " is not a tensor");
                    assertTrue(c.warnings().stream().anyMatch(w -> w.contains(key)), what + " is reported: "
                            + c.warnings());
                    continue;
                }
                read.add(key);
                TensorRef a = c.tensor(key).orElseThrow(() -> new AssertionError("missing " + what));
                assertEquals(t.get("dtype").asText(), a.dtype().torchName(), "dtype of " + what);
                assertEquals(t.get("shape").toString().replace(",", ", "), Arrays.toString(a.shape()),
                        "shape of " + what);
                if (!a.dtype().isDecoded()) {
                    // listed with name and size; gguf-py may decode it (tq1_0), this version does not
                    assertTrue(ValueReader.unreadableReason(a).orElseThrow().contains("not decoded"), what);
                    assertTrue(c.warnings().stream().anyMatch(w -> w.contains(a.dtype().torchName())), what);
                    continue;
                }
                assertEquals(t.get("sha256").asText(), TensorHash.sha256(a), "sha256 of " + what);
                if (t.has("first_values")) {
                    double[] head = ValueReader.head(a, t.get("first_values").size());
                    for (int i = 0; i < head.length; i++) {
                        assertEquals(t.get("first_values").get(i).asDouble(), head[i], 0.0, what + " value " + i);
                    }
                }
                if (t.has("stats")) {
                    checkStats(what, t.get("stats"), TensorStatistics.compute(a, StatsOptions.DEFAULT,
                            TaskMonitor.NONE));
                }
            }
            assertEquals(read, c.tensors().stream().map(TensorRef::key).toList(), "tensors of " + name);
        }
    }

    private static void checkStats(String what, JsonNode e, TensorStats s) {
        assertEquals(e.get("count").asLong(), s.finite(), "count of " + what);
        assertEquals(e.get("nan").asLong(), s.nan(), "NaN of " + what);
        assertEquals(e.get("zeros").asLong(), s.zeros(), "zeros of " + what);
        assertEquals(e.get("min").asDouble(), s.min(), 0.0, "min of " + what);
        assertEquals(e.get("max").asDouble(), s.max(), 0.0, "max of " + what);
        double mean = e.get("mean").asDouble();
        assertEquals(mean, s.mean(), 1e-12 * Math.max(1, Math.abs(mean)), "mean of " + what);
        if (!e.get("std").isNull()) {
            assertEquals(e.get("std").asDouble(), s.std(), 1e-9 * e.get("std").asDouble(), "std of " + what);
        }
    }

    @TestFactory
    Stream<DynamicTest> ggufMetadataIsShownAndLongArraysSummarised() {
        return Stream.of("gguf/model_v2.gguf", "gguf/model_v3.gguf").map(name -> DynamicTest.dynamicTest(name,
                () -> {
                    JsonNode meta = manifest().get(name).get("metadata");
                    try (Checkpoint c = CheckpointOpener.open(DIR.resolve(name))) {
                        PyValue.Dict m = (PyValue.Dict) c.metadata();
                        assertEquals(manifest().get(name).get("version").asLong(),
                                ((PyValue.Int) m.get("gguf.version")).longValue());
                        assertEquals(meta.get("general.architecture").asText(),
                                ((PyValue.Str) m.get("general.architecture")).value());
                        assertEquals(meta.get("llama.context_length").asLong(),
                                ((PyValue.Int) m.get("llama.context_length")).longValue());
                        assertEquals(meta.get("llama.attention.head_count").asLong(),
                                ((PyValue.Int) m.get("llama.attention.head_count")).longValue());
                        assertEquals(meta.get("llama.rope.freq_base").asDouble(),
                                ((PyValue.Float) m.get("llama.rope.freq_base")).value());
                        String tokens = ((PyValue.Str) m.get("tokenizer.ggml.tokens")).value();
                        assertTrue(tokens.startsWith("array of "
                                + meta.get("tokenizer.ggml.tokens").get("array_length").asInt() + " string"), tokens);
                        PyValue.PyList shortArray = (PyValue.PyList) m.get("test.short_array");
                        assertEquals(meta.get("test.short_array").size(), shortArray.items().size());
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> objectArraysAreOnlyUnpickledForTheirGlobals() {
        return Stream.of("numpy/object.npy", "numpy/with_object.npz").map(name -> DynamicTest.dynamicTest(name,
                () -> {
                    try (Checkpoint c = CheckpointOpener.open(DIR.resolve(name))) {
                        assertFalse(c.globals().isEmpty(), "the pickle's globals are listed");
                        assertTrue(c.globalNames().stream().anyMatch(g -> g.startsWith("numpy")), c.globalNames()
                                .toString());
                        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("object array")), name);
                    }
                }));
    }

    @TestFactory
    Stream<DynamicTest> pt2SampleInputsAreOnlyScanned() {
        return Stream.of(DynamicTest.dynamicTest("pt2/small.pt2", () -> {
            try (Checkpoint c = CheckpointOpener.open(DIR.resolve("pt2/small.pt2"))) {
                assertTrue(c.globalNames().contains("torch._utils._rebuild_tensor_v2"), c.globalNames().toString());
                assertTrue(c.warnings().stream().anyMatch(w -> w.contains("sample_inputs")), c.warnings().toString());
                PyValue.Dict m = (PyValue.Dict) c.metadata();
                assertNotNull(m.get("model.torch_version"));
                assertTrue(c.tensor("lin.weight").orElseThrow().has(TensorRef.Flag.PARAMETER));
            }
        }));
    }
}
