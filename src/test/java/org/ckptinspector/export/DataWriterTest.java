package org.ckptinspector.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.ckptinspector.export.convert.DTypeConversion;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.DType;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs of bytes land whole at their positions, whatever the threads, with the CRC-32 of what was written. */
class DataWriterTest {
    @TempDir
    Path dir;

    /** Bytes that differ from their neighbours. */
    private Path patterned(int length) throws Exception {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 13 + i / 509);
        }
        return Files.write(dir.resolve("source.bin"), b);
    }

    private static int crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return (int) c.getValue();
    }

    private FileChannel output() throws Exception {
        return FileChannel.open(dir.resolve("out.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void fileRangesAtUnalignedOffsetsArriveWholeWithTheirCrc(int threads) throws Exception {
        int length = 2 * DataWriter.PIECE + 3 * DataWriter.READ + 4321;
        Path source = patterned(length + 10_000);
        byte[] all = Files.readAllBytes(source);
        int secondLength = 777;
        DataWriter.Run first;
        DataWriter.Run second;
        try (MappedFile file = MappedFile.open(source); FileChannel out = output()) {
            ByteRegion middle = file.region(4093, length + 5000);
            assertTrue(middle.fileSpan().isPresent());
            DataWriter writer = new DataWriter(out, null);
            first = writer.addRange(middle, 7, length, null, 100);
            second = writer.addRange(file, 0, secondLength, null, 100 + length);
            writer.write(threads, TaskMonitor.NONE);
        }
        byte[] written = Files.readAllBytes(dir.resolve("out.bin"));
        assertEquals(100 + length + secondLength, written.length);
        byte[] expectedFirst = Arrays.copyOfRange(all, 4100, 4100 + length);
        assertArrayEquals(expectedFirst, Arrays.copyOfRange(written, 100, 100 + length));
        assertArrayEquals(Arrays.copyOf(all, secondLength), Arrays.copyOfRange(written, 100 + length, written.length));
        assertEquals(crc(expectedFirst), first.crc());
        assertEquals(crc(Arrays.copyOf(all, secondLength)), second.crc());
    }

    @Test
    void convertedRangesArriveAsTheWholeConversionWouldWriteThem() throws Exception {
        int floats = DataWriter.PIECE / 4 * 2 + 1001;   // more than two pieces of float32
        ByteBuffer source = ByteBuffer.allocate(floats * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < floats; i++) {
            source.putFloat((float) Math.sin(i) * (1 + i % 1000));
        }
        DTypeConversion toHalf = DTypeConversion.of(DType.FLOAT32, DType.FLOAT16).orElseThrow();
        ByteBuffer expected = ByteBuffer.allocate(floats * 2).order(ByteOrder.LITTLE_ENDIAN);
        toHalf.convert(source.duplicate().flip().order(ByteOrder.LITTLE_ENDIAN), expected);
        DataWriter.Run run;
        try (FileChannel out = output()) {
            DataWriter writer = new DataWriter(out, null);
            run = writer.addRange(ByteRegion.of(source.array()), 0, floats * 4L, toHalf, 0);
            writer.write(2, TaskMonitor.NONE);
        }
        byte[] written = Files.readAllBytes(dir.resolve("out.bin"));
        assertArrayEquals(expected.array(), written);
        assertEquals(crc(written), run.crc());
    }

    @Test
    void cancelStopsTheWriteAtThePieceAfterTheRequest() throws Exception {
        int length = 4 * DataWriter.PIECE;
        Path source = patterned(length);
        List<Long> reports = new ArrayList<>();
        TaskMonitor cancelAfterFirst = new TaskMonitor() {
            @Override
            public void progress(long done, long total, String message) {
                reports.add(done);
            }

            @Override
            public boolean isCancelled() {
                return !reports.isEmpty();
            }
        };
        try (MappedFile file = MappedFile.open(source); FileChannel out = output()) {
            DataWriter writer = new DataWriter(out, null);
            writer.addRange(file, 0, length, null, 0);
            assertThrows(CancelledException.class, () -> writer.write(1, cancelAfterFirst));
        }
        assertEquals(List.of((long) DataWriter.PIECE), reports);
        assertEquals(DataWriter.PIECE, Files.size(dir.resolve("out.bin")));
    }
}
