package org.ckptinspector.format.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ckptinspector.PickleBuilder;
import org.ckptinspector.StoredZip;
import org.ckptinspector.UstarHeader;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.pickle.PickleLimits;
import org.ckptinspector.pickle.PickleReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits the security review added to the readers, each just beyond its value: they refuse with a message
 * naming the limit, where before the same input exhausted a 256 MiB heap.
 */
class ReaderLimitsTest {
    @TempDir
    Path dir;

    @Test
    void zipWithMoreRecordsThanTheLimit() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", PickleBuilder.proto2().emptyDict().stop());
        for (int i = 0; i < org.ckptinspector.container.ZipArchive.MAX_ENTRIES; i++) {
            entries.put("archive/extra/" + i, new byte[0]);
        }
        Path p = dir.resolve("records.pt");
        HostileFiles.writeZip(p, entries, false);
        assertLimit(p, "more than 100000 records");
    }

    @Test
    void tarWithMoreMembersThanTheLimit() throws Exception {
        Path p = dir.resolve("members.pt");
        try (OutputStream os = Files.newOutputStream(p)) {
            for (int i = 0; i <= org.ckptinspector.container.TarArchive.MAX_MEMBERS; i++) {
                os.write(UstarHeader.of("m" + i, 0));
            }
            os.write(new byte[1024]);
        }
        assertLimit(p, "more than 10000 members");
    }

    @Test
    void valuesBeyondTheMemoryBudget() throws Exception {
        // 600 000 empty dicts charge about 120 MiB, more than the 96 MiB budget; their count is far below
        // MAX_OBJECTS and MAX_STACK
        PickleBuilder b = PickleBuilder.proto2().op(']');
        for (int i = 0; i < 6; i++) {
            b.mark().repeat('}', 100_000).op('e');
        }
        assertTrue(600_000 < PickleLimits.MAX_OBJECTS);
        assertLimit(HostileFiles.torchZip(dir, "dicts.pt", b.stop()), "more than 96 MiB of memory");
    }

    @Test
    void memoEntriesCountAgainstTheBudget() throws Exception {
        byte[] memo = new PickleBuilder().op(0x80).op(4).op('N').repeat(0x94, 1_600_000).stop();
        assertLimit(HostileFiles.torchZip(dir, "memo.pt", memo), "more than 96 MiB of memory");
    }

    @Test
    void aStringLongerThanTheTextLimit() throws Exception {
        int n = (int) PickleReader.MAX_TEXT_BYTES + 1;
        byte[] text = new byte[n];
        Arrays.fill(text, (byte) 'a');
        byte[] pickle = PickleBuilder.proto2().op('X').raw(PickleBuilder.le4(n)).raw(text).stop();
        assertLimit(HostileFiles.torchZip(dir, "text.pt", pickle), "declares a string of 33554433 bytes");
    }

    @Test
    void aStringJustWithinTheTextLimitIsRead() throws Exception {
        int n = (int) PickleReader.MAX_TEXT_BYTES;
        byte[] text = new byte[n];
        Arrays.fill(text, (byte) 'a');
        byte[] pickle = PickleBuilder.proto2().emptyDict().str("s").op('X').raw(PickleBuilder.le4(n)).raw(text)
                .setitem().stop();
        try (Checkpoint c = CheckpointOpener.open(HostileFiles.torchZip(dir, "text_ok.pt", pickle))) {
            assertEquals(0, c.tensors().size());
        }
    }

    @Test
    void duplicateRecordNamesAreAWarning() throws Exception {
        byte[] dict = PickleBuilder.proto2().emptyDict().stop();
        Path p = dir.resolve("dup.pt");
        try (OutputStream os = Files.newOutputStream(p);
             java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(os)) {
            // java.util.zip refuses duplicate names, so the second entry gets a same-length name patched below
            StoredZip.put(zip, "archive/data.pkl", dict);
            StoredZip.put(zip, "archive/data.pkX", dict);
            StoredZip.put(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] bytes = Files.readAllBytes(p);
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("archive/data.pkX", "archive/data.pkl");
        Files.write(p, text.getBytes(StandardCharsets.ISO_8859_1));
        try (Checkpoint c = CheckpointOpener.open(p)) {
            assertTrue(c.warnings().get(0).startsWith("the archive has several records named archive/data.pkl"),
                    c.warnings().toString());
        }
    }

    private static void assertLimit(Path p, String part) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(p).close());
        assertEquals(CheckpointException.Kind.LIMIT_EXCEEDED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains(part), e.getMessage());
    }
}
