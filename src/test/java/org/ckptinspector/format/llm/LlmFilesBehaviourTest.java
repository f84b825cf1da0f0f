package org.ckptinspector.format.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.ckptinspector.diff.CheckpointDiff;
import org.ckptinspector.diff.DiffOptions;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportRequest;
import org.ckptinspector.export.ExportResult;
import org.ckptinspector.export.Exporter;
import org.ckptinspector.export.Selection;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorHash;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is done with GGUF, numpy and .pt2 files: export, diff, and clear refusals of broken or foreign files. */
class LlmFilesBehaviourTest {
    private static final Path V3 = LlmFilesManifestTest.DIR.resolve("gguf/model_v3.gguf");

    @TempDir
    Path tmp;

    @Test
    void ggufQuantizedTensorsExportAsTheirDequantizedValues() throws Exception {
        JsonNode manifest = LlmFilesManifestTest.manifest().get("gguf/model_v3.gguf").get("tensors");
        try (Checkpoint c = CheckpointOpener.open(V3)) {
            Selection decodable = Selection.all().withExclude(java.util.List.of(
                    java.util.regex.Pattern.compile("ternary")));
            Path f32 = tmp.resolve("f32.safetensors");
            ExportResult r = Exporter.export(c, ExportRequest.of(decodable, ExportFormat.SAFETENSORS), f32,
                    TaskMonitor.NONE);
            assertTrue(r.verification().ok(), r.verification().mismatches().toString());
            try (Checkpoint out = CheckpointOpener.open(f32)) {
                for (JsonNode t : manifest) {
                    String key = t.get("key").asText();
                    if (key.contains("ternary")) {
                        assertTrue(out.tensor(key).isEmpty());
                        continue;
                    }
                    TensorRef e = out.tensor(key).orElseThrow();
                    DType source = c.tensor(key).orElseThrow().dtype();
                    assertEquals(source.kind() == DType.Kind.BLOCK ? DType.FLOAT32 : source, e.dtype(), key);
                    assertEquals(t.get("sha256").asText(), TensorHash.sha256(e), key);
                }
            }
            Path f16 = tmp.resolve("f16.safetensors");
            Exporter.export(c, ExportRequest.of(decodable, ExportFormat.SAFETENSORS).withDtype(DType.FLOAT16), f16,
                    TaskMonitor.NONE);
            try (Checkpoint out = CheckpointOpener.open(f16)) {
                TensorRef q = out.tensor("blk.0.attn_q.weight").orElseThrow();
                assertEquals(DType.FLOAT16, q.dtype());
                double[] want = ValueReader.head(c.tensor("blk.0.attn_q.weight").orElseThrow(), 64);
                double[] got = ValueReader.head(q, 64);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], Math.abs(want[i]) / 1024 + 1e-7, "value " + i);
                }
            }
            Exception refused = assertThrows(Exception.class, () -> Exporter.export(c,
                    ExportRequest.of(Selection.all(), ExportFormat.SAFETENSORS), tmp.resolve("all.safetensors"),
                    TaskMonitor.NONE));
            assertTrue(refused.getMessage().contains("blk.1.ternary.weight") && refused.getMessage().contains("tq1_0"),
                    refused.getMessage());
        }
    }

    @Test
    void ggufV2AndV3OfTheSameTensorsAreIdenticalAndAQuantizedChangeIsMeasured() throws Exception {
        Path v2 = LlmFilesManifestTest.DIR.resolve("gguf/model_v2.gguf");
        try (Checkpoint a = CheckpointOpener.open(v2); Checkpoint b = CheckpointOpener.open(V3)) {
            DiffResult d = CheckpointDiff.compare(a, b, DiffOptions.defaults(), TaskMonitor.NONE);
            assertEquals(a.tensors().size(), d.identical().size(), d.toString());
            // the tensors are the same; the header's version is the one value that differs
            assertEquals(List.of("gguf.version"), d.values().changed().stream().map(c -> c.path()).toList());
        }
        byte[] bytes = Files.readAllBytes(V3);
        Path changed = tmp.resolve("changed.gguf");
        try (Checkpoint c = CheckpointOpener.open(V3)) {
            TensorRef q = c.tensor("blk.0.attn_q.weight").orElseThrow();
            long at = q.storage().bytes().fileSpan().orElseThrow().offset() + 2;
            bytes[(int) at] ^= 0x01;
        }
        Files.write(changed, bytes);
        try (Checkpoint a = CheckpointOpener.open(V3); Checkpoint b = CheckpointOpener.open(changed)) {
            DiffResult d = CheckpointDiff.compare(a, b, DiffOptions.defaults(), TaskMonitor.NONE);
            assertEquals(1, d.changed().size(), d.toString());
            assertEquals("blk.0.attn_q.weight", d.changed().get(0).key());
            assertTrue(d.changed().get(0).maxAbsDiff() > 0);
        }
    }

    @Test
    void brokenGgufFilesAreRefusedWithTheirReason() throws Exception {
        byte[] good = Files.readAllBytes(V3);
        assertRefused(patch(good, 4, 1), "version 1");
        assertRefused(patch(good, 4, 7), "GGUF version 7");
        assertRefused(patch(good, 4, Integer.reverseBytes(3)), "big-endian");
        assertRefused(java.util.Arrays.copyOf(good, good.length - 100), "past the end of the file");
        assertRefused(java.util.Arrays.copyOf(good, 200), "cannot fit in the rest of the file");
        assertRefused(java.util.Arrays.copyOf(good, 700), "ends early");
        byte[] hugeCount = good.clone();
        ByteBuffer.wrap(hugeCount).order(ByteOrder.LITTLE_ENDIAN).putLong(8, Long.MAX_VALUE);
        assertRefused(hugeCount, "cannot fit");
    }

    @Test
    void otherFrameworksFormatsAreNamed() throws Exception {
        assertNamed(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0}, "HDF5");
        assertNamed(new byte[] {0x1c, 0, 0, 0, 'T', 'F', 'L', '3', 0, 0, 0, 0}, "TensorFlow Lite");
        assertNamed(new byte[] {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h', 0x1a, 0x03, '2', '.',
            '1'}, "ONNX");
        assertNamed(new byte[] {'l', 'm', 'g', 'g', 1, 0, 0, 0, 0, 0, 0, 0}, "GGML");
    }

    private static byte[] patch(byte[] good, int at, int value) {
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }

    private void assertRefused(byte[] bytes, String reason) throws Exception {
        Path f = Files.write(tmp.resolve("bad.gguf"), bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(f).close());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(reason), e.getMessage());
    }

    private void assertNamed(byte[] head, String name) throws Exception {
        Path f = Files.write(tmp.resolve("model.bin"), head);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(f).close());
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(f.toString()), e.getMessage());
        assertEquals(CheckpointException.Kind.NOT_A_CHECKPOINT, e.kind());
    }

    static Set<String> keys(Checkpoint c) {
        return Set.copyOf(c.tensors().stream().map(TensorRef::key).toList());
    }
}
