package org.ckptinspector.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The output appears whole or not at all, and never in place of the source. */
class ExporterSafetyTest {
    private static final Path SOURCE = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");

    @TempDir
    Path dir;

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path copyOfSource() throws IOException {
        return Files.copy(SOURCE, dir.resolve("model.safetensors"));
    }

    private static ExportRequest request(ExportFormat format) {
        return ExportRequest.of(Selection.all(), format);
    }

    @Test
    void refusesToWriteOverTheSourceByAnyName() throws Exception {
        Path src = copyOfSource();
        byte[] before = Files.readAllBytes(src);
        Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link.safetensors"), src);
        Path hard = Files.createLink(dir.resolve("hard.safetensors"), src);
        try (Checkpoint c = CheckpointOpener.open(src)) {
            for (Path out : List.of(src, dir.resolve("sub/../model.safetensors"), link, hard)) {
                ExportException e = assertThrows(ExportException.class,
                        () -> Exporter.export(c, request(ExportFormat.SAFETENSORS), out, TaskMonitor.NONE));
                assertTrue(e.getMessage().contains("source"), e.getMessage());
            }
        }
        assertArrayEquals(before, Files.readAllBytes(src));
        assertEquals(List.of("hard.safetensors", "link.safetensors", "model.safetensors", "sub"), names(dir));
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void cancellingLeavesNoFileAndTheOldOutputUntouched(ExportFormat format) throws Exception {
        Path out = dir.resolve("out." + format.id());
        Files.writeString(out, "previous contents");
        TaskMonitor cancelOnFirstProgress = new TaskMonitor() {
            private volatile boolean cancelled;

            @Override
            public void progress(long done, long total, String message) {
                cancelled = true;
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }
        };
        try (Checkpoint c = CheckpointOpener.open(SOURCE)) {
            assertThrows(CancelledException.class, () -> Exporter.export(c, request(format), out,
                    cancelOnFirstProgress));
        }
        assertEquals("previous contents", Files.readString(out));
        assertEquals(List.of(out.getFileName().toString()), names(dir));
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void aReadErrorMidwayLeavesNoFile(ExportFormat format) throws Exception {
        Checkpoint c = failingSource();
        Path out = dir.resolve("out." + format.id());
        IOException e = assertThrows(IOException.class, () -> Exporter.export(c, request(format), out,
                TaskMonitor.NONE));
        assertTrue(e.getMessage().contains("disk went away"), e.getMessage());
        assertEquals(List.of(), names(dir));
    }

    @Test
    void replacesAnExistingOutputWithAFileAsReadableAsAnyOther() throws Exception {
        Path out = dir.resolve("out.safetensors");
        Files.writeString(out, "old");
        Path plain = Files.createFile(dir.resolve("plain"));
        try (Checkpoint c = CheckpointOpener.open(SOURCE)) {
            ExportResult r = Exporter.export(c, request(ExportFormat.SAFETENSORS), out, TaskMonitor.NONE);
            assertEquals(4, r.tensors());
            assertTrue(r.verification().ok());
            assertEquals(Files.size(out), r.fileBytes());
        }
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
        try (Checkpoint back = CheckpointOpener.open(out)) {
            assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.bias", "fc2.weight").stream().sorted().toList(),
                    back.tensors().stream().map(TensorRef::key).sorted().toList());
        }
        assertEquals(List.of("out.safetensors", "plain"), names(dir));
    }

    @Test
    void refusesToWriteOverAShardOfAShardedSource() throws Exception {
        Path shards = Files.createDirectory(dir.resolve("shards"));
        Path fixtures = Fixtures.file("torch-2.13", "sharded");
        for (String f : List.of("model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors")) {
            Files.copy(fixtures.resolve(f), shards.resolve(f));
        }
        try (Checkpoint c = CheckpointOpener.open(shards.resolve("model.safetensors.index.json"))) {
            ExportException e = assertThrows(ExportException.class, () -> Exporter.export(c,
                    request(ExportFormat.SAFETENSORS), shards.resolve("model-00002-of-00002.safetensors"),
                    TaskMonitor.NONE));
            assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void progressRunsOnceToTheEnd(ExportFormat format) throws Exception {
        List<long[]> reports = new CopyOnWriteArrayList<>();
        TaskMonitor recording = new TaskMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                reports.add(new long[] {done, total});
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "complex_model.pt"))) {
            Exporter.export(c, request(format), dir.resolve("out." + format.id()), recording);
        }
        long total = reports.get(0)[1];
        assertTrue(reports.size() > 4, "reports: " + reports.size());
        assertTrue(reports.stream().allMatch(r -> r[1] == total && r[0] >= 0 && r[0] <= total));
        assertEquals(total, reports.stream().mapToLong(r -> r[0]).max().orElseThrow());
        assertTrue(reports.get(0)[0] < total / 2, "starts low");
    }

    @Test
    void aMissingOutputFolderIsAnError() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(SOURCE)) {
            ExportException e = assertThrows(ExportException.class, () -> Exporter.export(c,
                    request(ExportFormat.SAFETENSORS), dir.resolve("no/such/dir/out.safetensors"), TaskMonitor.NONE));
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void anOutputThatDoesNotReadBackAsTheSourceIsNotKept(ExportFormat format) throws Exception {
        AtomicInteger reads = new AtomicInteger();
        ByteRegion changing = new ByteRegion() {
            @Override
            public long length() {
                return 64;
            }

            @Override
            public ByteBuffer slice(long position, int length) {
                byte[] b = new byte[length];
                Arrays.fill(b, (byte) reads.incrementAndGet());
                return ByteBuffer.wrap(b);
            }
        };
        Storage s = new Storage("0", DType.FLOAT32, 64, "cpu", changing, true);
        TensorRef t = TensorRef.strided(DType.FLOAT32, new long[] {16}, new long[] {1}, 0, s)
                .withLocation("w", List.of("w"));
        Checkpoint c = new Checkpoint(Path.of("changing.pt"), Format.TORCH_ZIP, new PyValue.Dict(), List.of(t),
                List.of(), List.of(), new PyValue.Dict(), List.of());
        Path out = dir.resolve("out." + format.id());
        ExportException e = assertThrows(ExportException.class, () -> Exporter.export(c, request(format), out,
                TaskMonitor.NONE));
        assertTrue(e.getMessage().contains("does not read back") && e.getMessage().contains("w: differs from the source at byte 0"),
                e.getMessage());
        assertEquals(List.of(), names(dir));
    }

    /** A 64 MiB float32 tensor whose bytes stop being readable after the first 8 MiB. */
    private static Checkpoint failingSource() {
        long size = 64L << 20;
        ByteRegion failing = new ByteRegion() {
            @Override
            public long length() {
                return size;
            }

            @Override
            public ByteBuffer slice(long position, int length) throws IOException {
                if (position >= (8 << 20)) {
                    throw new IOException("disk went away");
                }
                return ByteBuffer.allocate(length);
            }
        };
        Storage s = new Storage("0", DType.FLOAT32, size, "cpu", failing, true);
        TensorRef t = TensorRef.strided(DType.FLOAT32, new long[] {size / 4}, new long[] {1}, 0, s)
                .withLocation("w", List.of("w"));
        return new Checkpoint(Path.of("failing.pt"), Format.TORCH_ZIP, new PyValue.Dict(), List.of(t), List.of(),
                List.of(), new PyValue.Dict(), List.of());
    }

    @Test
    void selectionsNeverTouchTheDisk() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(SOURCE)) {
            ExportException e = assertThrows(ExportException.class, () -> Exporter.export(c,
                    request(ExportFormat.PTH).withSelection(Selection.all().withKeys(Set.of("nope"))),
                    dir.resolve("out.pth"), TaskMonitor.NONE));
            assertTrue(e.getMessage().contains("nope"));
        }
        assertEquals(List.of(), names(dir));
    }
}
