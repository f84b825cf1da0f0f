package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;

/**
 * Compare mode's model without a window: both sides of a row, the per-side totals, the update verdict, damaged
 * rows, the rows using a global and compact numbers; on real fixture pairs.
 */
class CompareColumnsTest {
    private static final Path DIFF = Path.of("src/test/resources/diff");
    private static final Path LORA = Path.of("src/test/resources/trajectory/lora");

    @Test
    void rowsShowBothSidesWhereTheyDifferAndTheRootCountsEachSideApart() throws Exception {
        JsonNode pair = pair("values");
        var a = OpenedCheckpoint.open(DIFF.resolve(pair.get("a").asText()), TaskMonitor.NONE);
        var b = OpenedCheckpoint.open(DIFF.resolve(pair.get("b").asText()), TaskMonitor.NONE);
        try {
            ComparisonModel.Compared c = ComparisonModel.compare(a, b, false, 1, TaskMonitor.NONE);
            ComparisonState state = new ComparisonState();
            state.set(c.marks());
            TreeColumnText text = new TreeColumnText(state);
            LayerNode tree = c.merged().tree();
            for (JsonNode k : pair.get("shape_mismatch")) {
                TensorRef ta = a.checkpoint().tensor(k.asText()).orElseThrow();
                TensorRef tb = b.checkpoint().tensor(k.asText()).orElseThrow();
                LayerNode row = node(tree, k.asText());
                assertEquals(Formats.shape(ta.shape()) + " → " + Formats.shape(tb.shape()), text.shape(row).text());
                assertEquals(ta.numel() == tb.numel(), !text.parameters(row).text().contains("→"), k.asText());
            }
            for (JsonNode k : pair.get("dtype_mismatch")) {
                TensorRef ta = a.checkpoint().tensor(k.asText()).orElseThrow();
                TensorRef tb = b.checkpoint().tensor(k.asText()).orElseThrow();
                LayerNode row = node(tree, k.asText());
                assertEquals(ta.dtype().torchName() + " → " + tb.dtype().torchName(), text.type(row).text());
                assertEquals(java.util.Arrays.equals(ta.shape(), tb.shape()),
                        state.of(ta).orElseThrow().change() != null, "values compared: " + k.asText());
            }
            for (JsonNode k : pair.get("only_in_b")) {
                LayerNode row = node(tree, k.asText());
                assertTrue(text.type(row).text().startsWith("— → "), text.type(row).text());
            }
            ComparisonState.Sides root = state.sides(tree);
            assertEquals(a.checkpoint().tensors().size(), root.a().tensors());
            assertEquals(b.checkpoint().tensors().size(), root.b().tensors());
            assertEquals(b.tree().aggregate().byDType(), root.b().byDType());
            assertEquals(a.tree().aggregate().byDType(), root.a().byDType());
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void verdictsAreTheOnesTheFixtureBuilt() throws Exception {
        JsonNode lora = new ObjectMapper().readTree(LORA.resolveSibling("manifest.json").toFile()).get("lora");
        var a = OpenedCheckpoint.open(LORA.resolve(lora.get("a").asText()), TaskMonitor.NONE);
        var b = OpenedCheckpoint.open(LORA.resolve(lora.get("b").asText()), TaskMonitor.NONE);
        try {
            ComparisonModel.Compared c = ComparisonModel.compare(a, b, false, 2, TaskMonitor.NONE);
            ComparisonState state = new ComparisonState();
            state.set(c.marks());
            TreeColumnText text = new TreeColumnText(state);
            lora.get("expected_kind").fields().forEachRemaining(e ->
                    assertEquals(e.getValue().asText(), text.verdict(node(c.merged().tree(), e.getKey())).text()));
            lora.get("identical").forEach(k -> assertEquals("frozen",
                    text.verdict(node(c.merged().tree(), k.asText())).text()));
            assertEquals("", new TreeColumnText(new ComparisonState()).verdict(a.tree()).text());
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void damagedRowsAreTheTensorsTheReaderWarnsAboutAndTheirModules() throws Exception {
        var doc = OpenedCheckpoint.open(Path.of("src/test/resources/hostile/corrupt_negative_stride.pt"),
                TaskMonitor.NONE);
        try {
            DamagedRows d = DamagedRows.of(doc.tree());
            List<String> warned = doc.checkpoint().tensors().stream().filter(t -> !t.problems().isEmpty())
                    .map(TensorRef::key).toList();
            assertEquals(warned, d.tensors().stream().map(LayerNode::key).toList());
            LayerNode row = d.tensors().get(0);
            assertEquals(row.tensor().orElseThrow().problems().get(0), d.reason(row));
            assertEquals("1 damaged tensor below", d.reason(doc.tree()));
            doc.checkpoint().tensors().stream().filter(t -> t.problems().isEmpty())
                    .forEach(t -> assertNull(d.reason(node(doc.tree(), t.key()))));
        } finally {
            doc.close();
        }
    }

    @Test
    void aGlobalLeadsToTheRowThatCallsIt() throws Exception {
        var doc = OpenedCheckpoint.open(Path.of("src/test/resources/gui/dangerous_reduce.pt"), TaskMonitor.NONE);
        try {
            assertEquals("extra", GlobalRows.firstUse(doc.tree(), "posix.system").orElseThrow().key());
        } finally {
            doc.close();
        }
    }

    @Test
    void compactCountsKeepFourFiguresAndTheUnit() {
        assertEquals("537.0 M", Formats.compactCount(537_001_234L));
        assertEquals("1.00 M", Formats.compactCount(999_960L));
        assertEquals("950", Formats.compactCount(950));
        assertEquals("-12", Formats.compactCount(-12));
        assertEquals("9.22 E", Formats.compactCount(Long.MAX_VALUE));
        assertEquals("8.00 EiB", Formats.bytes(Long.MAX_VALUE));
    }

    private static LayerNode node(LayerNode tree, String key) {
        return tree.find(n -> n.key().equals(key) && n.tensor().isPresent()).orElseThrow(() -> new AssertionError(key));
    }

    private static JsonNode pair(String name) throws java.io.IOException {
        for (JsonNode p : new ObjectMapper().readTree(DIFF.resolve("expected.json").toFile()).get("pairs")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name);
    }
}
