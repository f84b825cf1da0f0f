package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ckptinspector.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One rule for what a set of opened paths is: one checkpoint, a comparison, or a run. */
class OpenRequestTest {
    private static final Path RUN = Path.of("src/test/resources/trajectory/run");
    private static final Path BASE = Path.of("src/test/resources/trajectory/lora/base.pt");
    private static final Path TUNED = Path.of("src/test/resources/trajectory/lora/finetuned.pt");

    @Test
    void aFolderOfCheckpointsIsARunInNaturalOrder() throws IOException {
        OpenRequest.Run run = assertInstanceOf(OpenRequest.Run.class, OpenRequest.of(List.of(RUN)));
        // natural order: ckpt-52… before ckpt-128…, as 52 < 128
        assertEquals(List.of("ckpt-0c5c7f.ckpt", "ckpt-52e6b4.ckpt", "ckpt-128b2f.ckpt", "ckpt-269e0d.ckpt",
                "ckpt-651327.ckpt", "ckpt-a6a3a4.ckpt", "ckpt-f2a74d.ckpt"),
                run.files().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void oneFileTwoFilesAndMore() throws IOException {
        assertEquals(new OpenRequest.One(BASE), OpenRequest.of(List.of(BASE)));
        assertEquals(new OpenRequest.Pair(BASE, TUNED), OpenRequest.of(List.of(BASE, TUNED)));
        List<Path> three = List.of(BASE, TUNED, RUN.resolve("ckpt-0c5c7f.ckpt"));
        assertEquals(new OpenRequest.Run(three), OpenRequest.of(three));
    }

    @Test
    void aCheckpointFolderIsOneCheckpoint() throws IOException {
        Path dcp = Fixtures.ROOT.resolve("llm-folders/dcp-2ranks");
        assertEquals(new OpenRequest.One(dcp), OpenRequest.of(List.of(dcp)));
    }

    @Test
    void aFolderWithOneCheckpointOpensItAndOneWithNoneStaysAsNamed(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "not a checkpoint");
        assertEquals(new OpenRequest.One(tmp), OpenRequest.of(List.of(tmp)));
        Files.copy(BASE, tmp.resolve("only.pt"));
        assertEquals(new OpenRequest.One(tmp.resolve("only.pt")), OpenRequest.of(List.of(tmp)));
    }
}
