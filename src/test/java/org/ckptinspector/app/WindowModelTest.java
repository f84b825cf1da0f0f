package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.ckptinspector.Fixtures;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The main window's behaviour without a window: opening, comparing, filtering, title and commands. */
class WindowModelTest {
    private static final Path SIMPLE = Fixtures.file("torch-2.13", "safetensors/simple_model.safetensors");
    private static final Path DIFF_DIR = Path.of("src/test/resources/diff");

    private final Recorder view = new Recorder();
    private final WindowModel<LayerNode> model = new WindowModel<>(new SameThreadRunner(), view);

    @AfterEach
    void close() {
        model.closeAll();
    }

    @Test
    void openingShowsTheFileItsRowsTitleAndCommands() {
        model.start();
        assertEquals("Checkpoint Inspector", view.title);
        assertEquals(new WindowModel.Commands(false, false, false, false), view.commands);
        model.openFile(SIMPLE);
        OpenedCheckpoint doc = model.primary();
        assertNotNull(doc);
        assertEquals(List.of(SIMPLE), view.opened);
        assertSame(doc.tree(), view.rows, "the rows built with the file are shown");
        Set<DType> dtypes = new java.util.HashSet<>();
        doc.checkpoint().tensors().forEach(t -> dtypes.add(t.dtype()));
        assertEquals(dtypes, view.dtypes);
        assertEquals("simple_model.safetensors  —  Checkpoint Inspector", view.title);
        assertEquals(new WindowModel.Commands(true, true, true, false), view.commands);
        assertEquals(doc.tree().aggregate().tensors(), view.shownTensors);

        model.closeAll();
        assertNull(model.primary());
        assertTrue(view.noDocument);
        assertEquals("Checkpoint Inspector", view.title);
    }

    @Test
    void aFileThatCannotBeOpenedIsReportedAndNothingChanges() {
        model.openFile(Path.of("/no/such/model.pt"));
        assertNull(model.primary());
        assertEquals("Cannot open model.pt", view.errorTitle);
        assertTrue(view.opened.isEmpty());
    }

    @Test
    void filteringShowsMatchesAndAnEmptyFilterOnAllRowsDoesNothing() {
        model.openFile(SIMPLE);
        model.setFilter(LayerFilter.NONE);
        assertEquals(0, view.filterings.size(), "no filter on unfiltered rows: nothing to redo");
        model.setFilter(new LayerFilter("fc1", false, Set.of()));
        assertEquals(List.of(true), view.filterings);
        assertEquals(2, view.shownTensors, "fc1.weight and fc1.bias");
        model.setFilter(LayerFilter.NONE);
        assertEquals(List.of(true, false), view.filterings);
        assertEquals(model.primary().tree().aggregate().tensors(), view.shownTensors);
    }

    @Test
    void comparingMarksRowsAsTheDiffSaysAndEndingItShowsAAgain() throws Exception {
        JsonNode pair = pair("values");
        model.openFile(DIFF_DIR.resolve(pair.get("a").asText()));
        model.setAlignPrefixes(false);
        LayerNode treeOfA = model.primary().tree();
        model.compareWith(DIFF_DIR.resolve(pair.get("b").asText()));
        assertNotNull(model.comparison());
        assertNotNull(view.marks, "rows are marked");
        assertEquals(pair.get("only_in_a").size(), view.counts.get(DiffStatus.ONLY_IN_A));
        assertEquals(pair.get("only_in_b").size(), view.counts.get(DiffStatus.ONLY_IN_B));
        assertTrue(view.title.contains("  ↔  "), view.title);
        assertTrue(view.commands.closeComparison());
        pair.get("only_in_b").forEach(k -> assertEquals(DiffStatus.ONLY_IN_B,
                view.marks.apply(view.rows.find(n -> n.key().equals(k.asText())).orElseThrow())));
        TensorRef a = model.primary().checkpoint().tensors().get(0);
        assertTrue(model.comparisons().of(a).isPresent(), "the detail pane finds B's side");

        model.setDifferencesOnly(true);
        assertEquals(List.of(true), view.filterings, "identical rows are hidden");
        model.setComparison(null);
        assertNull(view.marks);
        assertTrue(view.comparisonHidden);
        assertSame(treeOfA, view.rows, "A's rows again");
        assertTrue(model.comparisons().of(a).isEmpty());
    }

    @Test
    void exportKeysAreAsTensorsInFileOrder() {
        model.openFile(SIMPLE);
        List<String> all = model.primary().checkpoint().tensors().stream().map(TensorRef::key).toList();
        List<String> chosen = List.of(all.get(2), "not.a.tensor", all.get(0));
        assertEquals(List.of(all.get(0), all.get(2)), model.exportKeys(chosen));
    }

    static JsonNode pair(String name) throws java.io.IOException {
        for (JsonNode p : new ObjectMapper().readTree(DIFF_DIR.resolve("expected.json").toFile()).get("pairs")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no pair " + name);
    }

    /** Records what the model asked the window to show. */
    private static final class Recorder implements WindowModel.View<LayerNode> {
        final List<Path> opened = new ArrayList<>();
        final List<Boolean> filterings = new ArrayList<>();
        boolean noDocument;
        boolean comparisonHidden;
        LayerNode rows;
        Set<DType> dtypes;
        Function<LayerNode, DiffStatus> marks;
        Map<DiffStatus, Integer> counts;
        long shownTensors;
        String title;
        String errorTitle;
        WindowModel.Commands commands;

        @Override
        public LayerNode rowsOf(LayerNode tree) {
            return tree;
        }

        @Override
        public void opened(Path file) {
            opened.add(file);
        }

        @Override
        public void showNoDocument() {
            noDocument = true;
        }

        @Override
        public void showDocument(OpenedCheckpoint doc, LayerNode shown, Set<DType> present) {
            noDocument = false;
            rows = shown;
            dtypes = present;
        }

        @Override
        public void showRows(LayerNode shown) {
            rows = shown;
        }

        @Override
        public void showMarks(Function<LayerNode, DiffStatus> status) {
            marks = status;
        }

        @Override
        public void showFiltered(FilteredTree filtered, boolean filtering) {
            filterings.add(filtering);
        }

        @Override
        public void showTotals(Aggregate all, long shown) {
            shownTensors = shown;
        }

        @Override
        public void showComparison(DiffResult result, Map<DiffStatus, Integer> n, String fileA, String fileB) {
            comparisonHidden = false;
            counts = n;
        }

        @Override
        public void hideComparison() {
            comparisonHidden = true;
        }

        @Override
        public void showTitle(String t) {
            title = t;
        }

        @Override
        public void showCommands(WindowModel.Commands c) {
            commands = c;
        }

        @Override
        public void showError(String t, Throwable error) {
            errorTitle = t;
        }
    }
}
