package org.ckptinspector.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorBytes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verification re-reads the written file and compares it byte for byte: one flipped byte in the output is found,
 * and reported at the position where the output's values first differ, whichever way the values are read.
 */
class OutputVerifierTest {
    private static final Path VIEWS = Fixtures.file("torch-2.13", "views_shared.pt");

    @TempDir
    Path dir;

    static Stream<Arguments> views() {
        return Stream.of(
                Arguments.of(ExportFormat.SAFETENSORS, "base", null),       // both sides one stored run
                Arguments.of(ExportFormat.SAFETENSORS, "transpose", null),  // the source is gathered
                Arguments.of(ExportFormat.PTH, "transpose", null),          // the output keeps the view's strides
                Arguments.of(ExportFormat.PTH, "permuted_3d", null),
                Arguments.of(ExportFormat.PTH, "base", DType.FLOAT16),      // the source is converted
                Arguments.of(ExportFormat.SAFETENSORS, "col_slice", DType.BFLOAT16));
    }

    @ParameterizedTest
    @MethodSource("views")
    void aFlippedByteInAViewIsFound(ExportFormat format, String key, DType dtype) throws Exception {
        try (Checkpoint source = CheckpointOpener.open(VIEWS)) {
            checkFlipIsFound(source, format, key, dtype, 1);
        }
    }

    /**
     * One flipped byte in a storage that several exported views share (the .pth keeps them sharing it) is
     * reported for every tensor whose values cover that byte, and for no other.
     */
    @org.junit.jupiter.api.Test
    void aFlippedByteInASharedStorageIsFoundInEveryTensorThatSharesIt() throws Exception {
        try (Checkpoint source = CheckpointOpener.open(VIEWS)) {
            ExportPlan plan = ExportPlanner.plan(source, ExportRequest.of(Selection.all(), ExportFormat.PTH));
            Path out = dir.resolve("out.pth");
            ExportResult result = Exporter.write(plan, out, TaskMonitor.NONE);
            assertTrue(result.verification().ok(), result.verification().mismatches().toString());
            assertTrue(result.storages() < plan.items().size(), "the output shares storages");

            Path corrupt = Files.copy(out, dir.resolve("corrupt.pth"));
            flipByte(corrupt, "base", 1);
            List<String> expected = new java.util.ArrayList<>();
            try (Checkpoint a = CheckpointOpener.open(out); Checkpoint b = CheckpointOpener.open(corrupt)) {
                for (ExportItem item : plan.items()) {
                    byte[] va = TensorBytes.toArray(a.tensorsByKey().get(item.outputKey()), 1L << 30);
                    byte[] vb = TensorBytes.toArray(b.tensorsByKey().get(item.outputKey()), 1L << 30);
                    long at = Arrays.mismatch(va, vb);
                    if (at >= 0) {
                        expected.add(item.outputKey() + ": differs from the source at byte " + at + " of its "
                                + item.outputBytes() + " bytes of values");
                    }
                }
            }
            assertTrue(expected.size() >= 2, "the flipped byte lies in a shared storage: " + expected);
            assertEquals(expected, OutputVerifier.verify(plan, corrupt, TaskMonitor.NONE).mismatches());
        }
    }

    /** A tensor of several verification pieces, so that the pieces' offsets are checked too. */
    @ParameterizedTest
    @MethodSource("bigCases")
    void aFlippedByteInALaterPieceIsFound(ExportFormat format, DType dtype) throws Exception {
        Path file = safetensors(dir.resolve("big.safetensors"), "big", (20 << 20) / 4 + 3);
        try (Checkpoint source = CheckpointOpener.open(file)) {
            checkFlipIsFound(source, format, "big", dtype, (17 << 20) / 4 + 5);
        }
    }

    static Stream<Arguments> bigCases() {
        return Stream.of(Arguments.of(ExportFormat.PTH, null), Arguments.of(ExportFormat.SAFETENSORS, null),
                Arguments.of(ExportFormat.PTH, DType.BFLOAT16));
    }

    /**
     * Exports {@code key}, checks that the output verifies, flips byte 1 of storage element {@code element} (past
     * the tensor's storage offset) in a copy of the output, and expects verification of the copy to report
     * exactly that tensor, at the first byte where the two files' values differ.
     */
    private void checkFlipIsFound(Checkpoint source, ExportFormat format, String key, DType dtype, long element)
            throws Exception {
        ExportPlan plan = ExportPlanner.plan(source,
                ExportRequest.of(Selection.all().withKeys(Set.of(key)), format).withDtype(dtype));
        Path out = dir.resolve("out." + format.id());
        ExportResult result = Exporter.write(plan, out, TaskMonitor.NONE);
        assertTrue(result.verification().ok(), result.verification().mismatches().toString());
        assertEquals(1, result.verification().checked());
        assertEquals(plan.tensorBytes(), result.verification().bytes());

        Path corrupt = Files.copy(out, dir.resolve("corrupt." + format.id()));
        flipByte(corrupt, key, element);
        long expected = firstDifference(out, corrupt, key);
        ExportResult.Verification v = OutputVerifier.verify(plan, corrupt, TaskMonitor.NONE);
        assertEquals(List.of(key + ": differs from the source at byte " + expected + " of its " + plan.tensorBytes()
                + " bytes of values"), v.mismatches());
    }

    /** Flips byte 1 of a storage element of {@code key} in the file, found through the file's own layout. */
    private static void flipByte(Path file, String key, long element) throws IOException {
        long position;
        try (Checkpoint c = CheckpointOpener.open(file)) {
            TensorRef t = c.tensorsByKey().get(key);
            position = t.storage().bytes().fileSpan().orElseThrow().offset()
                    + (t.storageOffset() + element) * t.dtype().itemSize() + 1;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, position);
        }
    }

    /** Where the values of {@code key} first differ between two files, computed from both files' values. */
    private static long firstDifference(Path a, Path b, String key) throws IOException {
        try (Checkpoint ca = CheckpointOpener.open(a); Checkpoint cb = CheckpointOpener.open(b)) {
            byte[] va = TensorBytes.toArray(ca.tensorsByKey().get(key), 1L << 30);
            byte[] vb = TensorBytes.toArray(cb.tensorsByKey().get(key), 1L << 30);
            long at = Arrays.mismatch(va, vb);
            assertTrue(at >= 0, "the flip changed the values of " + key);
            return at;
        }
    }

    /** A safetensors file of one float32 tensor whose values differ from their neighbours. */
    static Path safetensors(Path file, String key, long elements) throws IOException {
        String json = "{\"" + key + "\":{\"dtype\":\"F32\",\"shape\":[" + elements + "],\"data_offsets\":[0,"
                + elements * 4 + "]}}";
        byte[] header = (json + " ".repeat((8 - json.length() % 8) % 8)).getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
            ch.write(ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < elements; ) {
                chunk.clear();
                for (; i < elements && chunk.hasRemaining(); i++) {
                    chunk.putFloat(i * 0.25f - 1000f);
                }
                ch.write(chunk.flip());
            }
        }
        return file;
    }
}
