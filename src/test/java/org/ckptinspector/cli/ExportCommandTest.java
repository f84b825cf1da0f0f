package org.ckptinspector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
    private static final Path SRC = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertEquals(2, r.code(), r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertTrue(err.startsWith("error: "), err);
        assertFalse(err.contains("Exception"), err);
        for (String f : fragments) {
            assertTrue(err.contains(f), "'" + f + "' in " + err);
        }
    }

    @Test
    void exportsASubsetRenamedAndConvertedAndSaysWhatItWrote() throws Exception {
        Path out = dir.resolve("fc1.safetensors");
        CliRun r = run("export", SRC.toString(), out.toString(), "--include", "^fc1\\.", "--rename", "^fc1=layer",
                "--dtype", "bfloat16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("layer.weight") && r.out().contains("(from fc1.weight)"), r.out());
        assertTrue(r.out().contains("float32 -> bfloat16"), r.out());
        assertTrue(r.out().contains("2 tensors"), r.out());
        assertTrue(r.out().contains("Verified: 2 tensors re-read from the output, byte-identical"), r.out());
        try (Checkpoint c = CheckpointOpener.open(out)) {
            assertEquals(2, c.tensors().size());
            for (TensorRef t : c.tensors()) {
                assertTrue(t.key().startsWith("layer."), t.key());
                assertEquals(DType.BFLOAT16, t.dtype());
            }
        }
    }

    @Test
    void keysListAndFormatOption() throws Exception {
        Path out = dir.resolve("picked.weights");
        CliRun r = run("export", SRC.toString(), out.toString(), "--keys", "fc2.bias,fc1.bias", "--format",
                "safetensors");
        assertEquals(0, r.code(), r.err());
        try (Checkpoint c = CheckpointOpener.open(out)) {
            assertEquals(2, c.tensors().size());
        }
    }

    @Test
    void mistakesAreOneLineErrorsAndWriteNothing() throws Exception {
        Path src = Files.copy(SRC, dir.resolve("model.safetensors"));
        assertOneLineError(run("export", src.toString(), dir.resolve("x.safetensors").toString(), "--include",
                "fc(("), "--include", "fc((");
        assertOneLineError(run("export", src.toString(), dir.resolve("x.onnx").toString()), "x.onnx", "--format");
        assertOneLineError(run("export", src.toString(), dir.resolve("x.pth").toString(), "--dtype", "int8"),
                "--dtype int8");
        assertOneLineError(run("export", src.toString(), dir.resolve("x.pth").toString(), "--rename", "\\d=",
                "--include", "^fc"), "collide", "fc1.bias and fc2.bias");
        assertOneLineError(run("export", src.toString(), src.toString()), "source");
        assertOneLineError(run("export", src.toString(), dir.resolve("x.pth").toString(), "--keys", "fc3.bias"),
                "fc3.bias");
        assertOneLineError(run("export", dir.resolve("missing.pt").toString(), dir.resolve("x.pth").toString()),
                "missing.pt");
        assertOneLineError(run("export", Fixtures.file("torch-2.13", "safetensors/no_tensors.safetensors").toString(),
                dir.resolve("x.pth").toString()), "no tensors");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the source is left");
        }
    }
}
