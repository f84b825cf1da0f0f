package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.ckptinspector.Fixtures;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.RenameRule;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.values.TensorHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export dialog's model without a window: the form, the live preview, the run and its wording. */
class ExportModelTest {
    private static final Path SIMPLE = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");

    @TempDir
    Path tmp;

    @Test
    void previewFlagsCollisionsAndEmptyKeys() {
        RenamePreview p = RenamePreview.of(List.of("model.fc1.weight", "model.fc2.weight", "model"),
                List.of(new RenameRule.Regex(Pattern.compile("^model\\.?(fc\\d\\.)?"), "")));
        assertEquals(List.of("weight", "weight", ""), p.rows().stream().map(RenamePreview.Row::output).toList());
        assertEquals(List.of(RenamePreview.Problem.COLLISION, RenamePreview.Problem.COLLISION,
                RenamePreview.Problem.EMPTY), p.rows().stream().map(RenamePreview.Row::problem).toList());
        assertFalse(p.ok());
    }

    @Test
    void stripCommonPrefixRemovesTheSharedDottedPrefix() throws Exception {
        assertEquals("state_dict.model.", ExportModel.commonPrefix(List.of("state_dict.model.fc1.weight",
                "state_dict.model.fc2.bias")));
        try (Checkpoint c = CheckpointOpener.open(SIMPLE)) {
            ExportModel m = new ExportModel(c, List.of("fc1.weight", "fc1.bias"), new SameThreadRunner());
            assertEquals("fc1.", m.addStripCommonPrefix().orElseThrow());
            assertEquals(List.of("weight", "bias"), m.preview().rows().stream().map(RenamePreview.Row::output)
                    .toList());
            assertEquals("2 keys  ·  2 renamed", m.previewSummary());
            assertTrue(m.problem().isEmpty());
            assertEquals(SIMPLE.toAbsolutePath().resolveSibling("simple_model-export.pth"), m.output());
        }
    }

    @Test
    void anInvalidRuleIsReportedAndExportCannotStart() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(SIMPLE)) {
            ExportModel m = new ExportModel(c, List.of("fc1.weight"), new SameThreadRunner());
            RenameDraft r = m.addRule("(", "x");
            assertTrue(m.problem().orElseThrow().contains("invalid regex"), m.problem().get());
            assertFalse(m.canRun());
            assertNull(m.run());
            r.setFrom("^fc1");
            assertTrue(m.canRun());
        }
    }

    @Test
    void theFormatFollowsTheTypedExtensionAndTheExtensionTheFormat() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(SIMPLE)) {
            ExportModel f = new ExportModel(c, List.of("fc1.weight"), new SameThreadRunner());
            assertEquals(ExportFormat.PTH, f.format());
            f.setOutput(Path.of("/tmp/out.safetensors"));
            assertEquals(ExportFormat.SAFETENSORS, f.format());
            assertEquals(Path.of("/tmp/out.safetensors"), f.output());
            f.setOutput(Path.of("/tmp/out.pt"));
            assertEquals(ExportFormat.PTH, f.format());
            assertEquals(Path.of("/tmp/out.pt"), f.output(), "a torch extension stays as typed");
            f.setFormat(ExportFormat.SAFETENSORS);
            assertEquals(Path.of("/tmp/out.safetensors"), f.output());
            f.setOutput(Path.of("/tmp/notes.txt"));
            assertEquals(ExportFormat.SAFETENSORS, f.format(), "an unknown extension keeps the format");
            assertTrue(f.problem().orElseThrow().startsWith("End the file name in .safetensors"), f.problem().get());
        }
    }

    @Test
    void aRunWritesTheFileAndWordsTheOutcome() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(SIMPLE)) {
            ExportModel m = new ExportModel(c, List.of("fc1.weight", "fc2.bias"), new SameThreadRunner());
            Path out = tmp.resolve("picked.safetensors");
            m.setOutput(out);
            assertTrue(m.overwriteQuestion().isEmpty(), "a new file needs no question");
            List<ExportModel.Phase> seen = new java.util.ArrayList<>();
            m.addListener(() -> seen.add(m.phase()));
            m.run();
            assertEquals(List.of(ExportModel.Phase.RUNNING, ExportModel.Phase.WRITTEN), seen);
            assertTrue(m.outcome().startsWith("Wrote 2 tensors") && m.outcome().contains("Verified"), m.outcome());
            assertTrue(m.notice().orElseThrow().endsWith("to " + out + "."), m.notice().get());
            try (Checkpoint written = CheckpointOpener.open(out)) {
                for (String k : List.of("fc1.weight", "fc2.bias")) {
                    TensorRef w = written.tensor(k).orElseThrow();
                    assertEquals(TensorHash.sha256(c.tensor(k).orElseThrow()), TensorHash.sha256(w), k);
                }
            }
            assertTrue(m.overwriteQuestion().orElseThrow().startsWith("picked.safetensors already exists"),
                    "writing over it asks first");
        }
    }

    @Test
    void aFailedOrCancelledRunSaysNothingWasWritten() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(SIMPLE)) {
            Path out = tmp.resolve("no/such/dir/out.pth");
            ExportModel failed = new ExportModel(c, List.of("fc1.weight"), new SameThreadRunner());
            failed.setOutput(out);
            failed.run();
            assertEquals(ExportModel.Phase.FAILED, failed.phase());
            assertTrue(failed.outcome().startsWith("Nothing was written. "), failed.outcome());
            assertTrue(failed.result().isEmpty());

            TaskRunner cancelling = new TaskRunner() {
                @Override
                public <T> Handle run(String title, Work<T> work, java.util.function.Consumer<T> ok,
                        java.util.function.Consumer<Throwable> err, Runnable cancelled) {
                    return new SameThreadRunner().run(title, mon -> {
                        throw new CancelledException();
                    }, ok, err, cancelled);
                }

                @Override
                public <T> Handle runQuietly(String title, Work<T> work, java.util.function.Consumer<T> ok,
                        java.util.function.Consumer<Throwable> err) {
                    throw new AssertionError("the export is work the user waits for");
                }
            };
            ExportModel cancelled = new ExportModel(c, List.of("fc1.weight"), cancelling);
            cancelled.setOutput(tmp.resolve("x.pth"));
            cancelled.run();
            assertEquals(ExportModel.Phase.CANCELLED, cancelled.phase());
            assertEquals("Cancelled; nothing was written.", cancelled.outcome());
            assertFalse(Files.exists(tmp.resolve("x.pth")));
            assertTrue(cancelled.canRun(), "it can run again");
        }
    }
}
