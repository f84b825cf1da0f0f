package org.ckptinspector.export.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredZipWriterTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** Writes entries of assorted sizes, the large one in uneven chunks; zip64Threshold forces ZIP64 fields. */
    private Path write(long zip64Threshold, List<byte[]> data) throws Exception {
        Path file = dir.resolve("a" + zip64Threshold + ".zip");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            StoredZipWriter zip = new StoredZipWriter(ch, 64, zip64Threshold);
            for (int i = 0; i < data.size(); i++) {
                byte[] d = data.get(i);
                try (StoredZipWriter.EntryWriter w = zip.begin("archive/data/" + i, d.length)) {
                    for (int pos = 0; pos < d.length; pos += 997) {
                        w.write(ByteBuffer.wrap(d, pos, Math.min(997, d.length - pos)));
                    }
                }
            }
            zip.add("archive/version", "3\n".getBytes());
            zip.finish();
        }
        return file;
    }

    @ParameterizedTest
    @ValueSource(longs = {0xFFFF_FFFFL, 100})
    void entriesReadBackAlignedWithTheirCrcs(long zip64Threshold) throws Exception {
        List<byte[]> data = List.of(bytes(0, 1), bytes(1, 2), bytes(63, 3), bytes(64, 4), bytes(100_000, 5));
        Path file = write(zip64Threshold, data);
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
            assertEquals(data.size() + 1, entries.size());
            for (int i = 0; i < data.size(); i++) {
                ZipArchiveEntry e = entries.get(i);
                assertEquals("archive/data/" + i, e.getName());
                assertEquals(ZipArchiveEntry.STORED, e.getMethod());
                assertEquals(data.get(i).length, e.getSize());
                assertEquals(0, e.getDataOffset() % 64, "data of " + e.getName() + " is 64-byte aligned");
                CRC32 crc = new CRC32();
                crc.update(data.get(i));
                assertEquals(crc.getValue(), e.getCrc());
                try (InputStream in = zip.getInputStream(e)) {
                    assertArrayEquals(data.get(i), in.readAllBytes());
                }
            }
        }
    }

    @Test
    void anEntryMustGetExactlyItsDeclaredSize() throws Exception {
        Path file = dir.resolve("short.zip");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            StoredZipWriter zip = new StoredZipWriter(ch, 64);
            StoredZipWriter.EntryWriter w = zip.begin("x", 10);
            w.write(ByteBuffer.wrap(new byte[4]));
            assertThrows(IllegalStateException.class, w::close);
            assertThrows(IllegalStateException.class, () -> w.write(ByteBuffer.wrap(new byte[7])));
        }
    }

    /**
     * Entries copied from a mapped file at offsets that are not page-aligned (one of them half written from a
     * buffer first) read back with their bytes and CRC-32s; the CRC-32 of a transfer is computed on another
     * thread and larger than one of its 16 MiB slices.
     */
    @Test
    void transferredEntriesHoldTheFilesBytesAndTheirCrcs() throws Exception {
        byte[] source = bytes((16 << 20) + 40_000, 9);
        Path sourceFile = Files.write(dir.resolve("source.bin"), source);
        int[][] ranges = {{1, 100_000}, {4095, 65_537}, {777, 0}, {12_345, (16 << 20) + 20_000}};
        Path file = dir.resolve("transferred.zip");
        try (MappedFile mapped = MappedFile.open(sourceFile);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                StoredZipWriter zip = new StoredZipWriter(ch, 64)) {
            for (int i = 0; i < ranges.length; i++) {
                try (StoredZipWriter.EntryWriter w = zip.begin("archive/data/" + i, ranges[i][1])) {
                    w.transfer(mapped.region(ranges[i][0], ranges[i][1]));
                }
            }
            try (StoredZipWriter.EntryWriter w = zip.begin("archive/data/mixed", 5000)) {
                w.write(ByteBuffer.wrap(source, 3, 1000));
                w.transfer(mapped.region(1003, 4000));
            }
            zip.finish();
        }
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            for (int i = 0; i <= ranges.length; i++) {
                boolean mixed = i == ranges.length;
                int from = mixed ? 3 : ranges[i][0];
                byte[] expected = Arrays.copyOfRange(source, from, from + (mixed ? 5000 : ranges[i][1]));
                ZipArchiveEntry e = zip.getEntry("archive/data/" + (mixed ? "mixed" : i));
                assertEquals(0, e.getDataOffset() % 64, "data of " + e.getName() + " is 64-byte aligned");
                CRC32 crc = new CRC32();
                crc.update(expected);
                assertEquals(crc.getValue(), e.getCrc(), e.getName());
                try (InputStream in = zip.getInputStream(e)) {
                    assertArrayEquals(expected, in.readAllBytes(), e.getName());
                }
            }
        }
    }

    @Test
    void onlyBytesThatLieInAFileCanBeTransferred() throws Exception {
        Path file = dir.resolve("heap.zip");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                StoredZipWriter zip = new StoredZipWriter(ch, 64)) {
            StoredZipWriter.EntryWriter w = zip.begin("x", 10);
            assertThrows(IllegalArgumentException.class, () -> w.transfer(ByteRegion.of(new byte[10])));
        }
    }

    @Test
    void aTransferMustFitTheDeclaredSize() throws Exception {
        Path sourceFile = Files.write(dir.resolve("source.bin"), bytes(100, 1));
        try (MappedFile mapped = MappedFile.open(sourceFile);
                FileChannel ch = FileChannel.open(dir.resolve("long.zip"), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                StoredZipWriter zip = new StoredZipWriter(ch, 64)) {
            StoredZipWriter.EntryWriter w = zip.begin("x", 10);
            assertThrows(IllegalStateException.class, () -> w.transfer(mapped.region(5, 11)));
        }
    }
}
