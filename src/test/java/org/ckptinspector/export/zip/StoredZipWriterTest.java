package org.ckptinspector.export.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
}
