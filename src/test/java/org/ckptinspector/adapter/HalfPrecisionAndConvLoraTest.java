package org.ckptinspector.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ckptinspector.Fixtures;
import org.ckptinspector.diff.CheckpointDiff;
import org.ckptinspector.diff.DiffOptions;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.diff.UpdateVerdict;
import org.ckptinspector.diff.ValueChange;
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
import org.ckptinspector.values.TensorBytes;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real peft adapters on float16 / bfloat16 bases and on convolutions (fixtures/peft, made by
 * make_peft_dtype_conv_fixtures.py): the merged export equals peft's {@code merge_and_unload()} bit for bit on the
 * half-precision bases, within 1e-6 on the convolutions (where it differs, by rounding: diff calls it noise), and
 * ‖ΔW‖ equals the norm of peft's own delta weight.
 */
class HalfPrecisionAndConvLoraTest {
    private static final Path ROOT = Fixtures.ROOT.resolve("peft");

    private static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(ROOT.resolve("manifest-dtype-conv.json").toFile());
    }

    @Test
    void halfPrecisionMergesAreBitIdenticalToPeft(@TempDir Path tmp) throws IOException {
        JsonNode manifest = manifest();
        for (String name : List.of("lora-f16", "lora-bf16")) {
            JsonNode m = manifest.get(name);
            Path out = export(m, name, ExportFormat.SAFETENSORS, tmp);
            try (Checkpoint ours = CheckpointOpener.open(out);
                    Checkpoint peft = CheckpointOpener.open(ROOT.resolve(m.get("merged").asText()))) {
                Map<String, TensorRef> mine = ours.tensorsByKey();
                assertEquals(new TreeSet<>(peft.tensorsByKey().keySet()), new TreeSet<>(mine.keySet()), name);
                for (TensorRef p : peft.tensors()) {
                    TensorRef t = mine.get(p.key());
                    assertEquals(p.dtype(), t.dtype(), name + " " + p.key());
                    assertTrue(p.dtype() == DType.FLOAT16 || p.dtype() == DType.BFLOAT16, p.key());
                    assertArrayEquals(p.shape(), t.shape(), name + " " + p.key());
                    byte[] expected = TensorBytes.toArray(p, 1 << 20);
                    byte[] actual = TensorBytes.toArray(t, 1 << 20);
                    assertEquals(differingElements(expected, actual), 0, name + " " + p.key()
                            + ": elements whose bits differ from peft's");
                }
            }
        }
    }

    @Test
    void convolutionMergesEqualPeftsWithin1e6(@TempDir Path tmp) throws IOException {
        JsonNode m = manifest().get("lora-conv");
        for (ExportFormat format : ExportFormat.values()) {
            Path out = export(m, "lora-conv", format, tmp);
            try (Checkpoint ours = CheckpointOpener.open(out);
                    Checkpoint peft = CheckpointOpener.open(ROOT.resolve(m.get("merged").asText()))) {
                Map<String, TensorRef> mine = ours.tensorsByKey();
                assertEquals(new TreeSet<>(peft.tensorsByKey().keySet()), new TreeSet<>(mine.keySet()));
                for (TensorRef p : peft.tensors()) {
                    TensorRef t = mine.get(p.key());
                    assertEquals(DType.FLOAT32, t.dtype());
                    assertArrayEquals(p.shape(), t.shape(), p.key());
                    double[] a = ValueReader.of(p).read(0, (int) p.numel());
                    double[] b = ValueReader.of(t).read(0, (int) t.numel());
                    double max = 0;
                    for (int i = 0; i < a.length; i++) {
                        max = Math.max(max, Math.abs(a[i] - b[i]));
                    }
                    assertTrue(max <= 1e-6, format + " " + p.key() + ": max |Δ| " + max);
                }
                // What differs (peft's sgemm sums in another order for the 1x1 conv and the Linear) is noise.
                DiffResult d = CheckpointDiff.compare(ours, peft, DiffOptions.defaults(), TaskMonitor.NONE);
                for (ValueChange c : d.changed()) {
                    assertEquals(UpdateVerdict.Kind.NOISE, c.update().kind(), c.key() + " " + c.maxAbsDiff());
                }
            }
        }
    }

    @Test
    void deltaNormsAreThoseOfPeftsDeltaWeights() throws IOException {
        JsonNode manifest = manifest();
        for (String name : List.of("lora-f16", "lora-bf16", "lora-conv")) {
            LoraAdapterTest.assertModulesAsPeftGivesThem(name, manifest.get(name).get("modules"));
        }
    }

    @Test
    void convolutionModulesHaveTheBaseWeightsShape() throws IOException {
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve("lora-conv"))) {
            LoraAdapter a = LoraAdapter.of(c).orElseThrow();
            LoraModule conv3 = a.module("conv3").orElseThrow();
            assertEquals(LoraModule.Kind.CONV, conv3.kind());
            assertFalse(conv3.transposed());
            assertArrayEquals(new long[] {8, 16, 5, 3}, conv3.deltaShape());
            assertEquals(2, conv3.rank());
            assertArrayEquals(new long[] {6, 8, 3}, a.module("conv1d").orElseThrow().deltaShape());
            assertEquals(LoraModule.Kind.LINEAR, a.module("fc").orElseThrow().kind());
        }
    }

    @Test
    void diffNamesTheTensorsPeftChanges() throws IOException {
        JsonNode manifest = manifest();
        for (String name : List.of("lora-f16", "lora-bf16", "lora-conv")) {
            LoraAdapterTest.assertDiffNamesTheChangedTensors(name, manifest.get(name));
        }
    }

    @Test
    void aGroupedConvolutionIsRefusedNamingTheModuleAndWhy() throws IOException {
        JsonNode m = manifest().get("lora-conv-grouped");
        assertTrue(m.get("merge_error").asText().contains("groups > 1"), "peft refuses it too");
        try (Checkpoint base = CheckpointOpener.open(ROOT.resolve(m.get("base").asText()));
                Checkpoint adapter = CheckpointOpener.open(ROOT.resolve("lora-conv-grouped"))) {
            AdapterMerge merge = AdapterMerge.of(base, adapter);
            assertEquals(1, merge.problems().size(), merge.problems().toString());
            String problem = merge.problems().get(0);
            assertTrue(problem.startsWith("conv: ") && problem.contains("grouped convolution (groups = 2"), problem);
            IOException e = assertThrows(IOException.class, merge::mergedCheckpoint);
            assertTrue(e.getMessage().contains("grouped convolution"), e.getMessage());
        }
    }

    private static Path export(JsonNode m, String name, ExportFormat format, Path tmp) throws IOException {
        Path out = tmp.resolve(name + "." + (format == ExportFormat.PTH ? "pth" : "safetensors"));
        try (Checkpoint base = CheckpointOpener.open(ROOT.resolve(m.get("base").asText()));
                Checkpoint adapter = CheckpointOpener.open(ROOT.resolve(name))) {
            AdapterMerge merge = AdapterMerge.of(base, adapter);
            assertTrue(merge.problems().isEmpty(), name + ": " + merge.problems());
            ExportResult r = Exporter.export(merge.mergedCheckpoint(), ExportRequest.of(Selection.all(), format), out,
                    TaskMonitor.NONE);
            assertTrue(r.verification().ok(), name);
        }
        return out;
    }

    /** How many 2-byte elements differ. */
    private static int differingElements(byte[] a, byte[] b) {
        assertEquals(a.length, b.length);
        int n = 0;
        for (int i = 0; i < a.length; i += 2) {
            if (a[i] != b[i] || a[i + 1] != b[i + 1]) {
                n++;
            }
        }
        return n;
    }
}
