package org.ckptinspector.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.ProgressRecorder;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.io.FileSpan;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verification while writing: a byte that reaches the file wrong is found as soon as its range is written, before
 * the rest of the file is, and the export fails without touching the user's file; once the file is complete, a
 * tensor that the reader finds anywhere but where its values were compared is reported.
 */
class RangeVerifierTest {
    @TempDir
    Path dir;

    static Stream<Arguments> formats() {
        return Stream.of(Arguments.of(ExportFormat.PTH, null), Arguments.of(ExportFormat.SAFETENSORS, null),
                Arguments.of(ExportFormat.PTH, DType.BFLOAT16), Arguments.of(ExportFormat.SAFETENSORS, DType.FLOAT16));
    }

    /**
     * A tensor of four writing pieces; one byte of its first piece is flipped on its way to the disk. The export
     * fails naming that byte before the other pieces are written (on one thread, so that no other thread can have
     * written them meanwhile), and the file already at the output path stays as it was.
     */
    @ParameterizedTest
    @MethodSource("formats")
    void aByteFlippedOnTheWayToTheDiskIsFoundBeforeTheRestIsWritten(ExportFormat format, DType dtype)
            throws Exception {
        Path source = OutputVerifierTest.safetensors(dir.resolve("big.safetensors"), "big",
                4L * DataWriter.PIECE / 4);
        try (Checkpoint c = CheckpointOpener.open(source)) {
            ExportPlan plan = ExportPlanner.plan(c,
                    ExportRequest.of(Selection.all(), format).withDtype(dtype).withThreads(1));
            Path out = dir.resolve("out." + format.id());
            assertTrue(Exporter.write(plan, out, TaskMonitor.NONE).verification().ok());
            byte[] before = Files.readAllBytes(out);
            long valuesAt = valuesAt(out, "big");
            long flipped = 3 * RangeVerifier.READ + 5;  // in the first piece, after a few compared ranges

            ProgressRecorder recording = new ProgressRecorder();
            ExportException e = assertThrows(ExportException.class, () -> Exporter.write(plan, out, recording,
                    channel -> new FlippingChannel(channel, valuesAt + flipped)));

            assertTrue(e.getMessage().endsWith("does not read back as the source: big: differs from the source at "
                    + "byte " + flipped + " of its " + plan.tensorBytes() + " bytes of values"), e.getMessage());
            assertTrue(recording.mostDone() < plan.tensorBytes() / 4, "found in the first piece: "
                    + recording.mostDone() + " of " + recording.total() + " done");
            assertArrayEquals(before, Files.readAllBytes(out), "the file at the output path is untouched");
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(Set.of(source, out), files.collect(java.util.stream.Collectors.toSet()));
            }
        }
    }

    /**
     * A byte of a storage that several views share in a real .pth, flipped on its way to the disk: the export fails
     * naming one of the tensors whose values cover that byte, at its position in that tensor's values.
     */
    @Test
    void aByteFlippedInASharedStorageFailsTheExportAtATensorThatCoversIt() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "views_shared.pt"))) {
            ExportPlan plan = ExportPlanner.plan(c, ExportRequest.of(Selection.all(), ExportFormat.PTH));
            Path out = dir.resolve("views.pth");
            assertTrue(Exporter.write(plan, out, TaskMonitor.NONE).verification().ok());
            byte[] before = Files.readAllBytes(out);
            long flipped = valuesAt(out, "base") + 5;
            List<String> covering = new java.util.ArrayList<>();
            try (Checkpoint written = CheckpointOpener.open(out)) {
                for (ExportItem i : plan.items()) {
                    TensorBytes.storedRun(written.tensorsByKey().get(i.outputKey())).flatMap(r -> r.fileSpan())
                            .filter(s -> s.offset() <= flipped && flipped < s.offset() + s.length())
                            .ifPresent(s -> covering.add(i.outputKey() + ": differs from the source at byte "
                                    + (flipped - s.offset()) + " of its " + i.outputBytes() + " bytes of values"));
                }
            }
            assertTrue(covering.size() >= 2, "the byte lies in a shared storage: " + covering);

            ExportException e = assertThrows(ExportException.class, () -> Exporter.write(plan, out, TaskMonitor.NONE,
                    channel -> new FlippingChannel(channel, flipped)));
            String problem = e.getMessage().substring(e.getMessage().indexOf("as the source: ") + 15);
            assertTrue(covering.contains(problem), problem + " not in " + covering);
            assertArrayEquals(before, Files.readAllBytes(out), "the file at the output path is untouched");
        }
    }

    /**
     * Tied weights exported to safetensors are written twice, with the same values: comparing each at the other's
     * place succeeds byte for byte, so only the check of where the reader finds them can tell. It does.
     */
    @Test
    void aTensorTheReaderFindsElsewhereThanWhereItWasComparedIsReported() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "tiny_gpt_bf16_tied.pt"))) {
            ExportPlan plan = ExportPlanner.plan(c, ExportRequest.of(
                    Selection.all().withKeys(Set.of("lm_head.weight", "transformer.wte.weight")),
                    ExportFormat.SAFETENSORS));
            Path out = dir.resolve("tied.safetensors");
            assertTrue(Exporter.write(plan, out, TaskMonitor.NONE).verification().ok());
            ExportItem head = item(plan, "lm_head.weight");
            ExportItem wte = item(plan, "transformer.wte.weight");
            long headAt = valuesAt(out, head.outputKey());
            long wteAt = valuesAt(out, wte.outputKey());
            assertTrue(headAt != wteAt && head.outputBytes() == wte.outputBytes());

            assertEquals(List.of(), verifyPlacedAt(plan, out, Map.of(head, headAt, wte, wteAt)).mismatches());
            List<String> swapped = verifyPlacedAt(plan, out, Map.of(head, wteAt, wte, headAt)).mismatches();
            assertEquals(2, swapped.size(), swapped.toString());
            assertTrue(swapped.contains("lm_head.weight: the output's reader finds its values at byte " + headAt
                    + " (" + head.outputBytes() + " bytes), not at byte " + wteAt + " (" + head.outputBytes()
                    + " bytes) where they were compared"), swapped.toString());
        }
    }

    /**
     * The bytes the writer read stand for the source's values only when they were read from exactly the file range
     * that holds them: same file, same offset.
     */
    @Test
    void theWritersBytesAreUsedOnlyWhenReadFromTheTensorsOwnFileRange() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "tiny_gpt_bf16_tied.pt"))) {
            FileSpan wte = TensorBytes.storedRun(c.tensorsByKey().get("transformer.wte.weight"))
                    .flatMap(r -> r.fileSpan()).orElseThrow();
            FileSpan other = TensorBytes.storedRun(c.tensorsByKey().get("transformer.wpe.weight"))
                    .flatMap(r -> r.fileSpan()).orElseThrow();
            ByteBuffer read = ByteBuffer.allocate((int) wte.length());
            wte.read(0, read);
            RangeVerifier.Origin origin = new RangeVerifier.Origin(read.flip(), wte, 0);
            assertEquals(read, origin.sameAs(wte, 0).orElseThrow());
            assertFalse(origin.sameAs(other, 0).isPresent(), "another tensor's range");
            assertFalse(new RangeVerifier.Origin(read, wte, 2).sameAs(wte, 0).isPresent(), "another offset");
        }
    }

    /** Compares the file's bytes as if the tensors had been written at the given places, then checks the file. */
    private static ExportResult.Verification verifyPlacedAt(ExportPlan plan, Path out, Map<ExportItem, Long> places)
            throws IOException {
        try (FileChannel read = FileChannel.open(out, StandardOpenOption.READ)) {
            RangeVerifier v = new RangeVerifier(read);
            places.forEach((item, at) -> v.place(item, at, false));
            v.seal();
            RangeVerifier.Buffers buffers = v.buffers();
            for (Map.Entry<ExportItem, Long> e : places.entrySet()) {
                v.written(e.getValue(), e.getKey().outputBytes(), buffers, null);
            }
            ExportResult.Verification result = OutputVerifier.verify(plan, out, v, TaskMonitor.NONE);
            assertEquals(plan.tensorBytes(), result.bytes(), "nothing was compared after writing");
            return result;
        }
    }

    private static ExportItem item(ExportPlan plan, String key) {
        return plan.items().stream().filter(i -> i.outputKey().equals(key)).findFirst().orElseThrow();
    }

    /** Where the reader finds a tensor's values in a file. */
    private static long valuesAt(Path file, String key) throws IOException {
        try (Checkpoint c = CheckpointOpener.open(file)) {
            return TensorBytes.storedRun(c.tensorsByKey().get(key)).flatMap(r -> r.fileSpan())
                    .map(FileSpan::offset).orElseThrow();
        }
    }

    /** A channel that writes every byte as given except the one at {@code position}, which it flips. */
    private static final class FlippingChannel extends FileChannel {
        private final FileChannel delegate;
        private final long position;

        FlippingChannel(FileChannel delegate, long position) {
            this.delegate = delegate;
            this.position = position;
        }

        @Override
        public int write(ByteBuffer src, long at) throws IOException {
            int n = src.remaining();
            if (position < at || position >= at + n) {
                return delegate.write(src, at);
            }
            ByteBuffer copy = ByteBuffer.allocate(n).put(src).flip();
            int i = (int) (position - at);
            copy.put(i, (byte) (copy.get(i) ^ 0x10));
            while (copy.hasRemaining()) {
                delegate.write(copy, at + copy.position());
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long at = delegate.position();
            int n = write(src, at);
            delegate.position(at + n);
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UncheckedIOException(new IOException("not used by the export"));
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(at, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long at, long count) {
            throw new UncheckedIOException(new IOException("not used by the export"));
        }

        @Override
        public int read(ByteBuffer dst, long at) throws IOException {
            return delegate.read(dst, at);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long at, long size) throws IOException {
            return delegate.map(mode, at, size);
        }

        @Override
        public FileLock lock(long at, long size, boolean shared) throws IOException {
            return delegate.lock(at, size, shared);
        }

        @Override
        public FileLock tryLock(long at, long size, boolean shared) throws IOException {
            return delegate.tryLock(at, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
