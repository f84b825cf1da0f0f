package org.ckptinspector.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The records a .pth export holds, as docs/checkpoint-formats.md §2 and §12 prescribe. */
class TorchZipLayoutTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"weights.pth, weights", "a.b.c.pt, a.b.c", "weird name.bin, weird name", "modèle_ü.pt, archive",
        "noext, noext"})
    void recordsAreNamedAfterTheOutputAndAligned(String file, String root) throws Exception {
        Path out = dir.resolve(file);
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "views_shared.pt"))) {
            Exporter.export(c, ExportRequest.of(Selection.all(), ExportFormat.PTH), out, TaskMonitor.NONE);
        }
        try (ZipFile zip = ZipFile.builder().setPath(out).get()) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
            List<String> expected = new ArrayList<>(List.of(root + "/data.pkl", root + "/byteorder"));
            int storages = Fixtures.entries().stream().filter(e -> e.version().equals("torch-2.13")
                    && e.name().equals("views_shared.pt")).findFirst().orElseThrow().node().get("storages").size();
            for (int i = 0; i < storages; i++) {
                expected.add(root + "/data/" + i);
            }
            expected.add(root + "/version");
            assertEquals(expected, entries.stream().map(ZipArchiveEntry::getName).toList(),
                    "one record per source storage, numbered in order; no .format_version"
                            + " (docs/checkpoint-formats.md §2.6)");
            for (ZipArchiveEntry e : entries) {
                assertEquals(ZipArchiveEntry.STORED, e.getMethod());
                assertEquals(0, e.getDataOffset() % 64, e.getName());
            }
            assertEquals("little", text(zip, entries.get(1)));
            assertEquals("3\n", text(zip, entries.get(entries.size() - 1)));
            byte[] pickle;
            try (InputStream in = zip.getInputStream(entries.get(0))) {
                pickle = in.readAllBytes();
            }
            assertEquals((byte) 0x80, pickle[0]);
            assertEquals(2, pickle[1], "pickle protocol 2");
            assertTrue(entries.get(2).getSize() > 0);
        }
    }

    private static String text(ZipFile zip, ZipArchiveEntry e) throws Exception {
        try (InputStream in = zip.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
