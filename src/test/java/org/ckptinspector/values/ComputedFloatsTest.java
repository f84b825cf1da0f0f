package org.ckptinspector.values;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ckptinspector.Fixtures;
import org.ckptinspector.adapter.DeltaWeight;
import org.ckptinspector.adapter.LoraAdapter;
import org.ckptinspector.adapter.LoraModule;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Quantization;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;

/**
 * The byte-range plumbing of {@link ComputedFloats}: any read (unaligned start or end, across a GGML block, a
 * scale block or a ΔW row, into a tensor's last block) returns exactly the bytes of the whole tensor there, for
 * the three computed tensors on the real fixtures; the whole tensor is anchored to gguf-py's and torch's
 * dequantized sha256 (llm and fp8 manifests) and to peft's first ΔW values (delta_stats.json).
 */
class ComputedFloatsTest {
    private static final Path LLM = Fixtures.ROOT.resolve("llm");
    private static final Path FP8 = Fixtures.ROOT.resolve("fp8");
    private static final Path PEFT = Fixtures.ROOT.resolve("peft");

    @Test
    void ggmlBlocksReadAtAnyRangeAsWhole() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(LLM.resolve("manifest.json").toFile());
        int checked = 0;
        for (String name : List.of("gguf/model_v3.gguf", "gguf/model_v2.gguf")) {
            try (Checkpoint c = CheckpointOpener.open(LLM.resolve(name))) {
                for (JsonNode e : manifest.get(name).get("tensors")) {
                    TensorRef t = c.tensor(e.get("key").asText()).orElseThrow();
                    if (t.dtype().kind() != DType.Kind.BLOCK || !t.dtype().isDecoded()) {
                        continue;
                    }
                    String what = name + " " + t.key() + " (" + t.dtype() + ")";
                    ByteRegion region = DequantizedBlocks.view(t).storage().bytes();
                    byte[] whole = whole(region);
                    assertEquals(e.get("sha256").asText(), sha256(whole), what + ": gguf-py's dequantized values");
                    checkRanges(what, region, whole, List.of(t.dtype().blockSize()));
                    checked++;
                }
            }
        }
        assertTrue(checked >= 20, "block tensors checked: " + checked);
    }

    @Test
    void scaledFloat8ReadsAtAnyRangeAsWhole() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(FP8.resolve("manifest.json").toFile());
        List<Map.Entry<Path, JsonNode>> files = new ArrayList<>();
        manifest.get("files").fields().forEachRemaining(f -> files.add(Map.entry(FP8.resolve(f.getKey()),
                f.getValue().get("weights"))));
        JsonNode configured = manifest.get("configured");
        files.add(Map.entry(FP8.resolve(configured.get("folder").asText()), configured.get("weights")));
        int checked = 0;
        for (Map.Entry<Path, JsonNode> f : files) {
            try (Checkpoint c = CheckpointOpener.open(f.getKey())) {
                for (var w : (Iterable<Map.Entry<String, JsonNode>>) f.getValue()::fields) {
                    TensorRef t = c.tensor(w.getKey()).orElseThrow();
                    String what = f.getKey().getFileName() + " " + t.key();
                    Quantization.Scaled s = (Quantization.Scaled) t.quantization();
                    ByteRegion region = ScaledWeights.view(t).storage().bytes();
                    byte[] whole = whole(region);
                    assertEquals(w.getValue().get("dequantized_sha256").asText(), sha256(whole),
                            what + ": torch's q.float() * s");
                    long cols = t.dim(t.rank() - 1);
                    checkRanges(what, region, whole, List.of((int) s.blockCols(), (int) (s.blockRows() * cols)));
                    checked++;
                }
            }
        }
        assertTrue(checked >= 7, "scaled weights checked: " + checked);
    }

    @Test
    void deltaWeightsReadAtAnyRangeAsWhole() throws Exception {
        JsonNode truth = new ObjectMapper().readTree(PEFT.resolve("delta_stats.json").toFile());
        int checked = 0;
        int anchored = 0;
        for (String name : List.of("lora-basic", "lora-gpt2", "lora-conv")) {
            try (Checkpoint c = CheckpointOpener.open(PEFT.resolve(name))) {
                for (LoraModule m : LoraAdapter.of(c).orElseThrow().modules()) {
                    TensorRef t = DeltaWeight.of(m);
                    String what = name + " " + t.key();
                    ByteRegion region = t.storage().bytes();
                    byte[] whole = whole(region);
                    JsonNode e = truth.path(name).path(m.module());
                    for (int i = 0; i < e.path("first").size(); i++) {
                        float v = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).getFloat(i * 4);
                        assertEquals(e.get("first").get(i).asDouble(), v, 1e-7, what + ": peft's ΔW [" + i + "]");
                        anchored++;
                    }
                    long[] shape = t.shape();
                    checkRanges(what, region, whole, List.of((int) (t.numel() / shape[0])));
                    checked++;
                }
            }
        }
        assertTrue(checked >= 6, "ΔW tensors checked: " + checked);
        assertTrue(anchored >= 16, "ΔW values compared with peft's: " + anchored);
    }

    /** A block-computed region whose last block is partial: every range, and the runs {@code compute} is asked for. */
    @Test
    void everyRangeOfAPartialLastBlock() throws IOException {
        int block = 32;
        long values = 3 * block + 5;
        List<long[]> asked = new ArrayList<>();
        ComputedFloats indices = new ComputedFloats(values, block) {
            @Override
            protected void compute(long first, float[] into) {
                asked.add(new long[] {first, into.length});
                for (int i = 0; i < into.length; i++) {
                    into[i] = first + i;
                }
            }
        };
        assertEquals(values * 4, indices.length());
        ByteBuffer expected = ByteBuffer.allocate((int) values * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values; i++) {
            expected.putFloat((float) i);
        }
        byte[] whole = expected.array();
        assertArrayEquals(whole, whole(indices));
        for (int start = 0; start <= whole.length; start++) {
            for (int end = start; end <= whole.length; end++) {
                asked.clear();
                assertSlice("[" + start + ", " + end + ")", indices, whole, start, end - start);
                long[] run = asked.get(0);
                assertEquals(1, asked.size());
                assertEquals(0, run[0] % block, "first value computed for a read at " + start);
                assertEquals(0, run[1] % block, "values computed for a read of " + start + ".." + end);
                assertTrue(run[0] <= start / 4 && run[0] + run[1] >= (end + 3) / 4, "the run covers the read");
                assertTrue(run[0] + run[1] <= 4L * block, "no block past the last is computed");
            }
        }
        checkOutOfBounds("indices", indices);
    }

    /**
     * Reads around the first boundaries of each stride (in values: a GGML block, a scale block, a ΔW row), the
     * last ones, reads of every length from every byte of the first values, and random ranges; then the bounds.
     */
    private static void checkRanges(String what, ByteRegion region, byte[] whole, List<Integer> strides)
            throws IOException {
        int n = whole.length;
        for (int start = 0; start < Math.min(n, 40); start++) {
            for (int length = 0; start + length <= Math.min(n, 72); length++) {
                assertSlice(what, region, whole, start, length);
            }
        }
        for (int stride : strides) {
            int bytes = stride * 4;
            List<Integer> boundaries = new ArrayList<>();
            for (int b = bytes; b < n && boundaries.size() < 3; b += bytes) {
                boundaries.add(b);
            }
            boundaries.add(n / bytes * bytes);
            boundaries.add(n - bytes);
            for (int b : boundaries) {
                for (int start : new int[] {b - 5, b - 4, b - 1, b, b + 1, b + 3, b - bytes - 2}) {
                    for (int length : new int[] {0, 1, 3, 4, 5, 8, bytes - 1, bytes + 3, 2 * bytes + 6, n}) {
                        if (start >= 0 && length <= n - start) {
                            assertSlice(what, region, whole, start, length);
                        }
                    }
                }
            }
        }
        for (int start : new int[] {n - 1, n - 3, n - 4, n - 7}) {
            if (start >= 0) {
                assertSlice(what + " at its end", region, whole, start, n - start);
            }
        }
        Random random = new Random(what.hashCode());
        for (int i = 0; i < 200; i++) {
            int start = random.nextInt(n + 1);
            assertSlice(what, region, whole, start, random.nextInt(n - start + 1));
        }
        checkOutOfBounds(what, region);
    }

    private static void checkOutOfBounds(String what, ByteRegion region) throws IOException {
        long n = region.length();
        assertEquals(0, region.slice(n, 0).remaining(), what);
        for (long[] r : new long[][] {{-1, 1}, {-4, 8}, {n - 3, 4}, {n, 1}, {n + 1, 0}, {0, -1}, {n - 1, 2}}) {
            assertThrows(IndexOutOfBoundsException.class, () -> region.slice(r[0], (int) r[1]),
                    what + ": [" + r[0] + ", +" + r[1] + ") outside " + n + " bytes");
        }
        assertThrows(IndexOutOfBoundsException.class, () -> region.slice(0, (int) Math.min(n + 1, Integer.MAX_VALUE)),
                what + ": one byte more than the region");
    }

    private static void assertSlice(String what, ByteRegion region, byte[] whole, int start, int length)
            throws IOException {
        ByteBuffer b = region.slice(start, length);
        assertEquals(0, b.position(), what);
        assertEquals(length, b.remaining(), what);
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order(), what);
        byte[] got = new byte[length];
        b.get(got);
        byte[] expected = java.util.Arrays.copyOfRange(whole, start, start + length);
        if (!java.util.Arrays.equals(expected, got)) {
            throw new AssertionError(what + ": bytes [" + start + ", " + (start + length) + ") differ from the whole "
                    + "tensor's");
        }
    }

    private static byte[] whole(ByteRegion region) throws IOException {
        byte[] all = new byte[Math.toIntExact(region.length())];
        region.slice(0, all.length).get(all);
        return all;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
