package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compare With Adapter Folder… and Export Merged With Adapter… without a window, on the real peft fixtures: the
 * comparison changes exactly the tensors peft's merge changes, unmatched modules are a warning, and the merged
 * export equals peft's {@code merge_and_unload()}.
 */
class AdapterCommandsTest {
    private static final Path PEFT = Fixtures.ROOT.resolve("peft");

    private final Seen seen = new Seen();
    private final WindowModel<LayerNode> window = new WindowModel<>(new SameThreadRunner(), new Shown());
    private final AdapterCommands commands = new AdapterCommands(window, new SameThreadRunner(), seen);

    private static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(PEFT.resolve("manifest.json").toFile());
    }

    @Test
    void comparingWithAnAdapterChangesTheTensorsPeftsMergeChangesAndNamesTheirRank() throws IOException {
        JsonNode manifest = manifest();
        for (String adapter : List.of("lora-pattern", "lora-gpt2")) {
            JsonNode m = manifest.get(adapter);
            window.openFile(PEFT.resolve(m.get("base").asText()));
            commands.compareWith(PEFT.resolve(adapter));
            assertNull(seen.error, adapter + ": " + seen.error);
            assertNull(seen.unmatched, adapter + ": every module has its base tensor");
            assertNotNull(window.comparison(), adapter);
            assertEquals(adapter, window.comparison().file().getFileName().toString(), "B is named after the adapter");
            Set<String> changed = new TreeSet<>();
            window.currentTree().tensorsBelow().forEach(t -> {
                LayerNode n = window.currentTree().find(x -> x.tensor().orElse(null) == t).orElseThrow();
                DiffStatus s = window.comparisons().status(n);
                if (s != DiffStatus.IDENTICAL) {
                    assertEquals(DiffStatus.CHANGED, s, t.key());
                    changed.add(t.key());
                }
            });
            Set<String> expected = new TreeSet<>();
            m.get("changed").forEach(k -> expected.add(k.asText()));
            assertEquals(expected, changed, adapter + ": the tensors peft's merge_and_unload changes");
            if (adapter.equals("lora-pattern")) {
                LayerNode q1 = node("model.layers.1.self_attn.q_proj.weight");
                assertEquals("low-rank (rank 2)", window.comparisons().verdict(q1), "rank_pattern 2");
                assertEquals("low-rank (rank 3)", window.comparisons().verdict(node("model.layers.0.self_attn.o_proj.weight")));
            }
            window.setComparison(null);
            // Ending the comparison closed the adapter, not the base.
            TensorRef w = window.primary().checkpoint().tensors().get(0);
            assertEquals(1, ValueReader.of(w).read(0, 1).length);
        }
    }

    @Test
    void modulesTheBaseLacksAreAWarningAndTheRestIsCompared() throws IOException {
        window.openFile(PEFT.resolve("gpt2-base"));
        commands.compareWith(PEFT.resolve("lora-basic"));
        assertNull(seen.error);
        assertNotNull(seen.unmatched, "a Llama adapter on GPT-2");
        assertTrue(seen.unmatchedTitle.startsWith("5 parts of lora-basic could not be laid over gpt2-base"),
                seen.unmatchedTitle);
        assertTrue(seen.unmatched.contains("model.layers.0.self_attn.q_proj: the base has no tensor "
                + "model.layers.0.self_attn.q_proj.weight"), seen.unmatched.toString());
        assertNotNull(window.comparison());
        assertEquals(Map.of(DiffStatus.IDENTICAL, window.primary().checkpoint().tensors().size()),
                Map.copyOf(window.comparisons().counts()).entrySet().stream().filter(e -> e.getValue() > 0)
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    void theMergedExportIsPeftsMergeAndUnload(@TempDir Path tmp) throws IOException {
        JsonNode manifest = manifest();
        for (String adapter : List.of("lora-basic", "lora-pattern", "lora-rslora", "lora-gpt2")) {
            JsonNode m = manifest.get(adapter);
            String base = m.get("base").asText();
            window.openFile(PEFT.resolve(base));
            seen.export = null;
            commands.exportMerged(PEFT.resolve(adapter));
            assertNull(seen.error, adapter + ": " + seen.error);
            ExportModel export = seen.export;
            assertNotNull(export, adapter);
            assertEquals("Export " + base + " with " + adapter + " merged", seen.exportTitle);
            assertEquals(PEFT.resolve(base + "-" + adapter + "-merged.safetensors").toAbsolutePath(), export.output());
            assertEquals(window.primary().checkpoint().tensors().size(), export.keys().size());
            Path out = tmp.resolve(adapter + ".safetensors");
            export.setOutput(out);
            assertTrue(export.verify(), "verified like every export");
            export.run();
            assertEquals(ExportModel.Phase.WRITTEN, export.phase(), adapter + ": " + export.outcome());
            assertTrue(export.result().orElseThrow().verification().ok(), adapter);
            assertTrue(export.overwriteQuestion().isPresent(), "a second export asks before replacing");
            try (Checkpoint written = CheckpointOpener.open(out);
                    Checkpoint peft = CheckpointOpener.open(PEFT.resolve(m.get("merged").asText()))) {
                assertEquals(keys(peft), keys(written), adapter);
                for (TensorRef p : peft.tensors()) {
                    TensorRef w = written.tensor(p.key()).orElseThrow();
                    assertEquals(p.dtype(), w.dtype(), p.key());
                    double[] a = ValueReader.of(p).read(0, (int) p.numel());
                    double[] b = ValueReader.of(w).read(0, (int) w.numel());
                    double max = 0;
                    for (int i = 0; i < a.length; i++) {
                        max = Math.max(max, Math.abs(a[i] - b[i]));
                    }
                    assertTrue(max <= 1e-6, adapter + " " + p.key() + ": max |Δ| " + max);
                }
            }
            seen.closed.run();
            TensorRef w = window.primary().checkpoint().tensors().get(0);
            assertEquals(DType.FLOAT32, w.dtype());
            assertEquals(1, ValueReader.of(w).read(0, 1).length, "closing the dialog leaves the base open");
        }
    }

    @Test
    void aTorchSaveBaseIsMergedIntoAPthThatHoldsPeftsWeights(@TempDir Path tmp) throws IOException {
        window.openFile(PEFT.resolve("llama-base.pth"));
        commands.exportMerged(PEFT.resolve("lora-pattern"));
        assertNull(seen.error);
        assertEquals("llama-base-lora-pattern-merged.pth", seen.export.output().getFileName().toString());
        Path out = tmp.resolve("merged.pth");
        seen.export.setOutput(out);
        seen.export.run();
        assertEquals(ExportModel.Phase.WRITTEN, seen.export.phase(), seen.export.outcome());
        try (Checkpoint written = CheckpointOpener.open(out);
                Checkpoint peft = CheckpointOpener.open(PEFT.resolve("merged/lora-pattern.safetensors"))) {
            for (TensorRef p : peft.tensors()) {
                TensorRef w = written.tensor(p.key()).orElseThrow();
                double[] a = ValueReader.of(p).read(0, (int) p.numel());
                double[] b = ValueReader.of(w).read(0, (int) w.numel());
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 1e-6, p.key() + " [" + i + "]");
                }
            }
        }
        seen.closed.run();
    }

    @Test
    void anAdapterThatDoesNotFitTheBaseIsNotMergedAndSaysWhy() {
        window.openFile(PEFT.resolve("gpt2-base"));
        commands.exportMerged(PEFT.resolve("lora-basic"));
        assertNull(seen.export);
        assertEquals("Cannot merge lora-basic into gpt2-base", seen.errorTitle);
        assertTrue(ErrorMessages.of(seen.error).contains("lm_head.weight: saved in the adapter, but the base has no such tensor (and 4 more)"),
                ErrorMessages.of(seen.error));
    }

    private LayerNode node(String key) {
        return window.currentTree().find(n -> n.key().equals(key)).orElseThrow();
    }

    private static Set<String> keys(Checkpoint c) {
        return new TreeSet<>(c.tensors().stream().map(TensorRef::key).toList());
    }

    private static final class Seen implements AdapterCommands.View {
        String unmatchedTitle;
        List<String> unmatched;
        String exportTitle;
        ExportModel export;
        Runnable closed;
        String errorTitle;
        Throwable error;

        @Override
        public void showUnmatched(String title, List<String> problems) {
            unmatchedTitle = title;
            unmatched = problems;
        }

        @Override
        public void showExport(String title, ExportModel e, Runnable onClosed) {
            exportTitle = title;
            export = e;
            closed = onClosed;
        }

        @Override
        public void showError(String title, Throwable e) {
            errorTitle = title;
            error = e;
        }
    }

    /** The window's view, which these tests read through the model instead. */
    private static final class Shown implements WindowModel.View<LayerNode> {
        @Override
        public LayerNode rowsOf(LayerNode tree) {
            return tree;
        }

        @Override
        public void opened(Path file) {}

        @Override
        public void showNoDocument() {}

        @Override
        public void showDocument(OpenedCheckpoint doc, LayerNode rows, Set<DType> dtypes) {}

        @Override
        public void showRows(LayerNode rows) {}

        @Override
        public void showMarks(Function<LayerNode, DiffStatus> status) {}

        @Override
        public void showFiltered(FilteredTree filtered, boolean filtering) {}

        @Override
        public void showTotals(Aggregate all, long shownTensors) {}

        @Override
        public void showComparison(DiffSummary r, Map<DiffStatus, Integer> counts, String a, String b) {}

        @Override
        public void hideComparison() {}

        @Override
        public void showTitle(String title) {}

        @Override
        public void showCommands(WindowModel.Commands commands) {}

        @Override
        public void showError(String title, Throwable error) {
            throw new AssertionError(title, error);
        }
    }
}
