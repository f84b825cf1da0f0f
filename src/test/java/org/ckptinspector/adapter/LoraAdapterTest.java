package org.ckptinspector.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ckptinspector.Fixtures;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportRequest;
import org.ckptinspector.export.ExportResult;
import org.ckptinspector.export.Exporter;
import org.ckptinspector.export.Selection;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real peft adapters (src/test/resources/fixtures/peft, made by make_peft_fixtures.py): rank, scale and ‖ΔW‖ as
 * peft and torch give them, merged exports equal to {@code merge_and_unload()}, the changed tensors named.
 */
class LoraAdapterTest {
    private static final Path ROOT = Fixtures.ROOT.resolve("peft");
    private static final List<String> ADAPTERS = List.of("lora-basic", "lora-pattern", "lora-rslora", "lora-gpt2");

    private static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(ROOT.resolve("manifest.json").toFile());
    }

    @Test
    void rankScaleAndDeltaNormAreThoseOfPeftAndTorch() throws IOException {
        JsonNode manifest = manifest();
        for (String name : ADAPTERS) {
            assertModulesAsPeftGivesThem(name, manifest.get(name).get("modules"));
        }
    }

    /** The adapter's modules are the manifest's, with peft's rank and scale and torch's ‖ΔW‖ within 1e-6. */
    static void assertModulesAsPeftGivesThem(String name, JsonNode expected) throws IOException {
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve(name))) {
            AdapterSummary s = AdapterSummary.of(c).orElseThrow();
            assertTrue(s.adapter().problems().isEmpty(), name + ": " + s.adapter().problems());
            assertEquals(expected.size(), s.modules().size(), name);
            for (JsonNode e : expected) {
                AdapterSummary.Module m = s.modules().stream()
                        .filter(x -> x.module().equals(e.get("module").asText())).findFirst()
                        .orElseThrow(() -> new AssertionError(name + ": no module " + e.get("module")));
                String what = name + " " + m.module();
                assertEquals(e.get("rank").asInt(), m.lora().rank(), what);
                assertEquals(e.get("scale").asDouble(), m.lora().scale(), 0.0, what);
                double norm = e.get("delta_norm").asDouble();
                assertEquals(norm, m.deltaNorm(), 1e-6 * norm, what);
            }
        }
    }

    @Test
    void patternsRslorasAndFanInFanOutAreRead() throws IOException {
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve("lora-pattern"))) {
            LoraAdapter a = LoraAdapter.of(c).orElseThrow();
            assertEquals(2, a.module("model.layers.1.self_attn.q_proj").orElseThrow().rank());
            assertEquals(4, a.module("model.layers.0.self_attn.q_proj").orElseThrow().rank());
            assertEquals(3, a.module("model.layers.0.self_attn.o_proj").orElseThrow().rank());
            assertEquals(0.75, a.module("model.layers.1.self_attn.v_proj").orElseThrow().scale());
            LoraModule embed = a.module("model.embed_tokens").orElseThrow();
            assertEquals(LoraModule.Kind.EMBEDDING, embed.kind());
            assertTrue(embed.transposed());
            assertEquals(List.of("model.embed_tokens.weight"), List.copyOf(a.replacements().keySet()));
        }
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve("lora-rslora"))) {
            LoraAdapter a = LoraAdapter.of(c).orElseThrow();
            assertTrue(a.config().useRslora() && a.config().targetRegex());
            assertEquals(4 / Math.sqrt(8), a.modules().get(0).scale());
        }
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve("lora-gpt2"))) {
            LoraModule m = LoraAdapter.of(c).orElseThrow().modules().get(0);
            assertTrue(m.transposed());
            assertArrayEquals(new long[] {32, 96}, m.deltaShape());
            assertFalse(m.bias() == null);
        }
    }

    @Test
    void patternKeyMatchesAsPeftsGetPatternKey() {
        List<String> patterns = List.of("layers.1.self_attn.q_proj", "q_proj");
        assertEquals("layers.1.self_attn.q_proj", LoraConfig.patternKey(patterns, "model.layers.1.self_attn.q_proj"));
        assertEquals("q_proj", LoraConfig.patternKey(patterns, "model.layers.11.self_attn.q_proj"));
        assertEquals("model.x.k_proj", LoraConfig.patternKey(patterns, "model.x.k_proj"));
        // (.*\.)? only cuts at a dot: "xq_proj" is not "q_proj"
        assertEquals("model.xq_proj", LoraConfig.patternKey(patterns, "model.xq_proj"));
    }

    @Test
    void diffNamesExactlyTheTensorsMergeAndUnloadChanges() throws IOException {
        JsonNode manifest = manifest();
        for (String name : ADAPTERS) {
            assertDiffNamesTheChangedTensors(name, manifest.get(name));
        }
    }

    /** {@code diff BASE ADAPTER}'s changed tensors are the manifest's {@code changed}: those peft's merge changed. */
    static void assertDiffNamesTheChangedTensors(String name, JsonNode m) throws IOException {
        try (Checkpoint base = CheckpointOpener.open(ROOT.resolve(m.get("base").asText()));
                Checkpoint adapter = CheckpointOpener.open(ROOT.resolve(name))) {
            AdapterMerge merge = AdapterMerge.of(base, adapter);
            assertTrue(merge.problems().isEmpty(), name + ": " + merge.problems());
            AdapterDiff d = AdapterDiff.of(merge, TaskMonitor.NONE);
            TreeSet<String> changed = new TreeSet<>();
            d.changed().forEach(t -> changed.add(t.change().key()));
            List<String> expected = new ArrayList<>();
            m.get("changed").forEach(k -> expected.add(k.asText()));
            assertEquals(expected, List.copyOf(changed), name);
        }
    }

    @Test
    void mergedExportEqualsPeftsMergedWeights(@TempDir Path tmp) throws IOException {
        JsonNode manifest = manifest();
        for (String name : ADAPTERS) {
            JsonNode m = manifest.get(name);
            for (ExportFormat format : ExportFormat.values()) {
                Path out = tmp.resolve(name + "." + (format == ExportFormat.PTH ? "pth" : "safetensors"));
                try (Checkpoint base = CheckpointOpener.open(ROOT.resolve(m.get("base").asText()));
                        Checkpoint adapter = CheckpointOpener.open(ROOT.resolve(name))) {
                    Checkpoint merged = AdapterMerge.of(base, adapter).mergedCheckpoint();
                    ExportResult r = Exporter.export(merged, ExportRequest.of(Selection.all(), format), out,
                            TaskMonitor.NONE);
                    assertTrue(r.verification().ok());
                }
                assertEqualsPeft(out, ROOT.resolve(m.get("merged").asText()), name + " " + format);
            }
        }
    }

    @Test
    void aPthBaseMergesLikeTheSafetensorsFolder(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("merged.safetensors");
        try (Checkpoint base = CheckpointOpener.open(ROOT.resolve("llama-base.pth"));
                Checkpoint adapter = CheckpointOpener.open(ROOT.resolve("lora-basic"))) {
            Exporter.export(AdapterMerge.of(base, adapter).mergedCheckpoint(),
                    ExportRequest.of(Selection.all(), ExportFormat.SAFETENSORS), out, TaskMonitor.NONE);
        }
        assertEqualsPeft(out, ROOT.resolve("merged/lora-basic.safetensors"), "llama-base.pth");
    }

    @Test
    void anAdapterThatDoesNotFitItsBaseIsRefusedWithTheReason() throws IOException {
        try (Checkpoint base = CheckpointOpener.open(ROOT.resolve("gpt2-base"));
                Checkpoint adapter = CheckpointOpener.open(ROOT.resolve("lora-basic"))) {
            AdapterMerge merge = AdapterMerge.of(base, adapter);
            assertFalse(merge.problems().isEmpty());
            assertTrue(merge.problems().get(0).contains("the base has no"), merge.problems().get(0));
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, merge::mergedCheckpoint);
            assertTrue(e.getMessage().contains("cannot merge into"), e.getMessage());
        }
    }

    /** Every tensor of {@code out} equals peft's merged weight within 1e-6, and no tensor is missing. */
    private static void assertEqualsPeft(Path out, Path expected, String what) throws IOException {
        try (Checkpoint ours = CheckpointOpener.open(out); Checkpoint peft = CheckpointOpener.open(expected)) {
            Map<String, TensorRef> mine = ours.tensorsByKey();
            assertEquals(new TreeSet<>(peft.tensorsByKey().keySet()), new TreeSet<>(mine.keySet()), what);
            for (TensorRef p : peft.tensors()) {
                TensorRef t = mine.get(p.key());
                assertEquals(p.dtype(), t.dtype(), what + " " + p.key());
                assertEquals(DType.FLOAT32, t.dtype());
                assertArrayEquals(p.shape(), t.shape(), what + " " + p.key());
                double[] a = ValueReader.of(p).read(0, (int) p.numel());
                double[] b = ValueReader.of(t).read(0, (int) t.numel());
                double max = 0;
                for (int i = 0; i < a.length; i++) {
                    max = Math.max(max, Math.abs(a[i] - b[i]));
                }
                assertTrue(max <= 1e-6, what + " " + p.key() + ": max |Δ| " + max);
            }
        }
    }
}
