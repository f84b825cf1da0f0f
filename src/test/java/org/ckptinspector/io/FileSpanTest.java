package org.ckptinspector.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A region of a mapped file knows where its bytes lie, and reading its span gives exactly those bytes. */
class FileSpanTest {
    @TempDir
    Path dir;

    /** Three pages and a bit of bytes that differ from their neighbours. */
    private Path patterned() throws IOException {
        byte[] b = new byte[3 * 4096 + 123];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7 + i / 251);
        }
        return Files.write(dir.resolve("source.bin"), b);
    }

    @Test
    void aRegionInTheMiddleReadsItsOwnBytes() throws Exception {
        Path source = patterned();
        byte[] all = Files.readAllBytes(source);
        try (MappedFile file = MappedFile.open(source)) {
            ByteRegion region = file.region(4097, 8000).region(3, 5001);
            FileSpan span = region.fileSpan().orElseThrow();
            assertEquals(source, span.file());
            assertEquals(4100, span.offset());
            assertEquals(5001, span.length());
            ByteBuffer buffer = ByteBuffer.allocateDirect(6000);
            buffer.position(17).limit(17 + 4990);
            span.read(11, buffer);
            assertEquals(buffer.limit(), buffer.position());
            byte[] got = new byte[4990];
            buffer.position(17);
            buffer.get(got);
            assertArrayEquals(Arrays.copyOfRange(all, 4111, 9101), got);
            assertThrows(IndexOutOfBoundsException.class, () -> span.read(12, ByteBuffer.allocate(4990)));
            assertThrows(IndexOutOfBoundsException.class, () -> span.read(-1, ByteBuffer.allocate(1)));
        }
    }

    @Test
    void theWholeFileIsOneSpan() throws Exception {
        Path source = patterned();
        try (MappedFile file = MappedFile.open(source)) {
            FileSpan span = file.fileSpan().orElseThrow();
            assertEquals(0, span.offset());
            assertEquals(Files.size(source), span.length());
        }
    }

    @Test
    void bytesThatOnlyExistInMemoryHaveNoSpan() {
        ByteRegion heap = ByteRegion.of(new byte[100]);
        assertTrue(heap.fileSpan().isEmpty());
        assertTrue(heap.region(10, 20).fileSpan().isEmpty());
    }

    @Test
    void aFileThatShrankUnderneathFailsInsteadOfWritingLess() throws Exception {
        Path source = patterned();
        try (MappedFile file = MappedFile.open(source)) {
            FileSpan tail = file.region(8192, 4096).fileSpan().orElseThrow();
            try (FileChannel shrink = FileChannel.open(source, StandardOpenOption.WRITE)) {
                shrink.truncate(10_000);
            }
            IOException e = assertThrows(IOException.class, () -> tail.read(0, ByteBuffer.allocate(4096)));
            assertTrue(e.getMessage().contains("changed while in use"), e.getMessage());
        }
    }
}
