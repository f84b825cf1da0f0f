package org.ckptinspector.export.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
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

    /**
     * Reserves entries of assorted sizes first, then writes their data in uneven chunks from the last byte back
     * (positions are fixed at reservation); zip64Threshold forces ZIP64 fields.
     */
    private Path write(long zip64Threshold, List<byte[]> data) throws Exception {
        Path file = dir.resolve("a" + zip64Threshold + ".zip");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            StoredZipWriter zip = new StoredZipWriter(ch, 64, zip64Threshold);
            List<StoredZipWriter.Reserved> entries = new ArrayList<>();
            for (int i = 0; i < data.size(); i++) {
                entries.add(zip.reserve("archive/data/" + i, data.get(i).length));
            }
            for (int i = data.size() - 1; i >= 0; i--) {
                byte[] d = data.get(i);
                for (int pos = d.length / 997 * 997; pos >= 0; pos -= 997) {
                    ByteBuffer chunk = ByteBuffer.wrap(d, pos, Math.min(997, d.length - pos));
                    ch.write(chunk, entries.get(i).dataOffset() + pos);
                }
                CRC32 crc = new CRC32();
                crc.update(d);
                entries.get(i).complete((int) crc.getValue());
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
    void theArchiveCannotBeFinishedBeforeEveryEntryHasItsCrc() throws Exception {
        Path file = dir.resolve("short.zip");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            StoredZipWriter zip = new StoredZipWriter(ch, 64);
            zip.add("a", new byte[3]);
            zip.reserve("x", 10);
            assertThrows(IllegalStateException.class, zip::finish);
        }
    }
}
