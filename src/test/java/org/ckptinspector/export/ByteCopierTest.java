package org.ckptinspector.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranges of a file are copied through the file's own reads: exactly their bytes, with progress and cancel. */
class ByteCopierTest {
    @TempDir
    Path dir;

    /** Bytes that differ from their neighbours, a little more than one progress step. */
    private Path patterned(int length) throws Exception {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 13 + i / 509);
        }
        return Files.write(dir.resolve("source.bin"), b);
    }

    /** Collects progress reports; cancels once it has seen {@code cancelAfter} of them. */
    private static final class Reports implements TaskMonitor {
        final List<Long> done = new ArrayList<>();
        final int cancelAfter;

        Reports(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void progress(long d, long total, String message) {
            done.add(d);
        }

        @Override
        public boolean isCancelled() {
            return done.size() >= cancelAfter;
        }
    }

    @Test
    void aFileRangeAtUnalignedOffsetsArrivesWhole() throws Exception {
        int length = ByteCopier.CHUNK + 3 * ByteCopier.READ + 4321;
        Path source = patterned(length + 10_000);
        byte[] all = Files.readAllBytes(source);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        Reports reports = new Reports(Integer.MAX_VALUE);
        try (MappedFile file = MappedFile.open(source)) {
            ByteRegion middle = file.region(4093, length + 5000);
            assertTrue(middle.fileSpan().isPresent());
            ByteCopier copier = new ByteCopier(reports, length);
            copier.copyRange(middle, 7, length, null, "copying", data -> {
                assertTrue(data.remaining() <= ByteCopier.READ, "read in small pieces");
                byte[] b = new byte[data.remaining()];
                data.get(b);
                written.write(b);
            });
        }
        assertArrayEquals(Arrays.copyOfRange(all, 4100, 4100 + length), written.toByteArray());
        assertEquals(List.of((long) ByteCopier.CHUNK, (long) length), reports.done);
    }

    @Test
    void cancelStopsTheCopyAtTheNextProgressStep() throws Exception {
        int length = 2 * ByteCopier.CHUNK + 100;
        Path source = patterned(length);
        long[] written = {0};
        Reports reports = new Reports(1);
        try (MappedFile file = MappedFile.open(source)) {
            ByteCopier copier = new ByteCopier(reports, length);
            assertThrows(CancelledException.class, () -> copier.copyRange(file, 0, length, null, "copying",
                    data -> written[0] += data.remaining()));
        }
        assertEquals(List.of((long) ByteCopier.CHUNK), reports.done);
        assertEquals(ByteCopier.CHUNK, written[0]);
    }

    @Test
    void bytesOnlyInMemoryArePassedOnAsSlices() throws Exception {
        byte[] bytes = new byte[1000];
        Arrays.fill(bytes, (byte) 5);
        List<ByteBuffer> got = new ArrayList<>();
        new ByteCopier(TaskMonitor.NONE, 990).copyRange(ByteRegion.of(bytes), 10, 990, null, "copying",
                got::add);
        assertEquals(1, got.size());
        assertEquals(990, got.get(0).remaining());
    }
}
