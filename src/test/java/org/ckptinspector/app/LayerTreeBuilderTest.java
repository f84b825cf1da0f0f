package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.FilteredTree;
import org.ckptinspector.app.LayerFilter;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.LayerTreeBuilder;
import org.ckptinspector.app.ValueText;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;

/** The layer tree and its filter, built from real checkpoints without a window. */
class LayerTreeBuilderTest {
    private static final Path SAMPLE = Path.of("assets/sample/tiny_gpt_lightning.ckpt");

    @Test
    void everyTensorAppearsOnceUnderItsDottedKeyWithModuleTotals() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(SAMPLE)) {
            LayerNode root = LayerTreeBuilder.build(c);
            assertEquals(c.tensors().stream().map(TensorRef::key).sorted().toList(),
                    root.tensorsBelow().stream().map(TensorRef::key).sorted().toList());
            LayerNode attn = find(root, "state_dict.model.transformer.h.0.attn");
            assertEquals(LayerNode.Kind.MODULE, attn.kind());
            // Parameters are the model's (the attention mask buffer is not one), as inspect counts them.
            var training = org.ckptinspector.training.TrainingState.of(c);
            long params = c.tensors().stream().filter(t -> t.key().startsWith("state_dict.model.transformer.h.0.attn."))
                    .filter(training::isParameter).mapToLong(TensorRef::numel).sum();
            assertTrue(params > 0);
            assertEquals(params, attn.aggregate().parameters());
            assertEquals(Set.of(DType.FLOAT32, DType.BOOL), attn.aggregate().byDType().keySet());
            assertEquals(LayerNode.Kind.CONTAINER, find(root, "optimizer_states").kind());
            assertEquals("list[1]", find(root, "optimizer_states").typeName());
            assertEquals("0.003", ValueText.shortText(find(root, "hyper_parameters.lr").value().orElseThrow()));
        }
    }

    @Test
    void aPickledModuleShowsItsStateDictNamesNotItsAttributes() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "full_model.pt"))) {
            LayerNode root = LayerTreeBuilder.build(c);
            assertEquals("__main__.SimpleModel", root.typeName());
            assertNotNull(find(root, "fc1.weight").tensor().orElse(null));
            assertNull(find(root, "_modules"), "object internals stay folded");
        }
    }

    @Test
    void numpyScalarsReadAsNumbersAndSafetensorsMetadataShows() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "numpy_argparse_checkpoint.pt"))) {
            LayerNode root = LayerTreeBuilder.build(c);
            assertEquals("3", ValueText.shortText(find(root, "epoch").value().orElseThrow()));
            assertEquals("numpy.int64", find(root, "epoch").typeName());
            assertEquals("0.75", ValueText.shortText(find(root, "best_acc1").value().orElseThrow()));
            assertEquals("argparse.Namespace", find(root, "args").typeName());
            assertEquals("90", ValueText.shortText(find(root, "args.epochs").value().orElseThrow()));
        }
        try (Checkpoint c = CheckpointOpener.open(Fixtures.file("torch-2.13", "safetensors/with_metadata.safetensors"))) {
            LayerNode meta = find(LayerTreeBuilder.build(c), "__metadata__");
            assertEquals(LayerNode.Kind.CONTAINER, meta.kind());
            assertTrue(meta.children().size() >= 1);
        }
    }

    @Test
    void filterKeepsMatchesTheirAncestorsAndMatchingModulesWhole() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(SAMPLE)) {
            LayerNode root = LayerTreeBuilder.build(c);
            FilteredTree f = FilteredTree.of(root, new LayerFilter("h.1.mlp", false, Set.of()));
            List<String> expected = c.tensors().stream().map(TensorRef::key).filter(k -> k.contains("h.1.mlp"))
                    .toList();
            assertEquals(expected.size(), f.matchedTensors());
            assertTrue(f.isVisible(find(root, "state_dict.model.transformer")), "ancestor kept");
            assertTrue(!f.isVisible(find(root, "epoch")), "non-matching value hidden");

            FilteredTree bools = FilteredTree.of(root, new LayerFilter("", false, EnumSet.of(DType.BOOL)));
            assertEquals(c.tensors().stream().filter(t -> t.dtype() == DType.BOOL).count(), bools.matchedTensors());

            FilteredTree regex = FilteredTree.of(root, new LayerFilter("exp_avg_sq$", true, Set.of()));
            assertEquals(c.tensors().stream().filter(t -> t.key().endsWith("exp_avg_sq")).count(),
                    regex.matchedTensors());
            LayerFilter broken = new LayerFilter("([", true, Set.of());
            assertTrue(broken.regexError().isPresent());
            assertEquals(0, FilteredTree.of(root, broken).matchedTensors());
        }
    }

    private static int count(LayerNode n) {
        return 1 + n.children().stream().mapToInt(LayerTreeBuilderTest::count).sum();
    }

    /** A model folder: its tensor keys are module paths, the names of the JSON files beside them are not. */
    @Test
    void dottedKeysOfValuesStayWholeWhileTensorKeysSplit() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.ROOT.resolve("llm-folders/hf-llama"))) {
            LayerNode root = LayerTreeBuilder.build(c);
            assertEquals(List.of("config.json", "generation_config.json", "model.safetensors"),
                    find(root, "__metadata__").children().stream().map(LayerNode::name).toList());
            assertEquals(LayerNode.Kind.CONTAINER, find(root, "__metadata__.config.json").kind());
            assertEquals("'llama'", ValueText.shortText(
                    find(root, "__metadata__.config.json.model_type").value().orElseThrow()));
            assertEquals(LayerNode.Kind.MODULE, find(root, "model.layers.0.self_attn").kind());
            assertEquals(List.of("k_proj", "o_proj", "q_proj", "v_proj"), find(root, "model.layers.0.self_attn")
                    .children().stream().map(LayerNode::name).sorted().toList());
        }
    }

    static LayerNode find(LayerNode root, String key) {
        return root.find(n -> n.key().equals(key)).orElse(null);
    }

    @Test
    void aBillionLaughsIsCutAtTheValueBudgetAndSaysSo(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(org.ckptinspector.HostileCheckpoints.billionLaughs(dir))) {
            LayerNode root = LayerTreeBuilder.build(c);
            assertTrue(count(root) <= LayerTreeBuilder.MAX_VISITS + 2, "rows: " + count(root));
            assertNotNull(find(root, "w").tensor().orElse(null));
            LayerNode cut = find(root, LayerTreeBuilder.CUT_ROW);
            assertNotNull(cut);
            assertEquals("'the object tree has more than 200000 values; the rest is left out'",
                    ValueText.shortText(cut.value().orElseThrow()));
        }
    }

    @Test
    void buildingStopsWhenCancelled(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(org.ckptinspector.HostileCheckpoints.billionLaughs(dir))) {
            org.ckptinspector.task.TaskMonitor cancelled = new org.ckptinspector.task.TaskMonitor() {
                @Override
                public void progress(long done, long total, String message) {}

                @Override
                public boolean isCancelled() {
                    return true;
                }
            };
            org.junit.jupiter.api.Assertions.assertThrows(org.ckptinspector.task.CancelledException.class,
                    () -> LayerTreeBuilder.build(c, cancelled));
        }
    }
}
