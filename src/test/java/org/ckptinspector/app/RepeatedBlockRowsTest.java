package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ckptinspector.Fixtures;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;

/** The collapsed layer tree of a real 32-layer Llama whose layer 7 differs (fixtures/blocks). */
class RepeatedBlockRowsTest {

    @Test
    void layersShowOnePatternRowAndTheOddBlock() throws Exception {
        try (Checkpoint c = CheckpointOpener.open(Fixtures.ROOT.resolve("blocks/llama32.safetensors"))) {
            LayerNode root = RepeatedBlockRows.collapsed(c, TaskMonitor.NONE);
            LayerNode layers = root.find(n -> n.key().equals("model.layers")).orElseThrow();
            List<String> names = layers.children().stream().map(LayerNode::name).toList();
            assertEquals(List.of("{0..31} × 32", "7"), names);
            LayerNode pattern = layers.children().get(0);
            assertEquals("model.layers.{0..31}", pattern.key());
            assertEquals(31 * 9, pattern.aggregate().tensors());
            assertEquals(9, pattern.tensorsBelow().size());
            assertTrue(pattern.find(n -> n.key().equals("model.layers.{0..31}.mlp.up_proj.weight")).isPresent());
            // The totals of the file and of the layers module still count every tensor.
            assertEquals(c.tensors().size(), root.aggregate().tensors());
            assertEquals(32 * 9, layers.aggregate().tensors());
            // The tree without collapsing is unchanged.
            LayerNode plain = LayerTreeBuilder.build(c);
            assertEquals(32, plain.find(n -> n.key().equals("model.layers")).orElseThrow().children().size());
        }
    }
}
