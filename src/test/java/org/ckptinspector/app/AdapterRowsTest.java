package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ckptinspector.Fixtures;
import org.ckptinspector.app.InsightsModel.Load;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.ValueReader;
import org.junit.jupiter.api.Test;

/**
 * A PEFT adapter as its own tree, and each module's ΔW through the detail pane's model, on the real peft fixtures;
 * the expected statistics are torch's over peft's {@code get_delta_weight} (made by make_delta_stats.py).
 */
class AdapterRowsTest {
    private static final Path PEFT = Fixtures.ROOT.resolve("peft");

    @Test
    void anAdapterIsATreeOfItsModulesAtTheirPathsWithRankAndScaleAndTheirFactorsBeneath() throws IOException {
        OpenedCheckpoint doc = OpenedCheckpoint.open(PEFT.resolve("lora-pattern"), TaskMonitor.NONE);
        try {
            LayerNode root = doc.tree();
            LayerNode q1 = row(root, "model.layers.1.self_attn.q_proj");
            assertEquals("q_proj", q1.name(), "a module row sits at its path, as in the base model's tree");
            assertEquals(LayerNode.Kind.MODULE, q1.parent().orElseThrow().kind());
            assertEquals("model.layers.1.self_attn", q1.parent().orElseThrow().key());
            assertEquals(List.of("model", AdapterRows.SAVED_WHOLE, "__metadata__"),
                    root.children().stream().map(LayerNode::name).toList());
            assertEquals("LoRA r 2 · scale 4", q1.typeName(), "rank_pattern 2, alpha 8 / 2");
            assertEquals("LoRA r 3 · scale 2.66667", row(root, "model.layers.0.self_attn.o_proj").typeName());
            assertEquals("LoRA r 4 · scale 0.75", row(root, "model.layers.0.self_attn.v_proj").typeName(),
                    "alpha_pattern 3 / r 4");
            assertEquals(List.of("lora_A.weight", "lora_B.weight"), q1.children().stream().map(LayerNode::name).toList());
            assertEquals("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight",
                    q1.children().get(0).tensor().orElseThrow().key());
            assertEquals(2, q1.aggregate().tensors(), "ΔW is not a tensor of the file");
            assertEquals(7, doc.adapterRows().isAdapter() ? rows(root).stream()
                    .filter(n -> doc.adapterRows().module(n).isPresent()).count() : 0);
            // Every tensor of the file is in the tree exactly once, the saved embedding too.
            Map<TensorRef, Integer> seen = new IdentityHashMap<>();
            root.tensorsBelow().forEach(t -> seen.merge(t, 1, Integer::sum));
            assertEquals(doc.checkpoint().tensors().size(), seen.size());
            assertTrue(seen.values().stream().allMatch(n -> n == 1));
            assertEquals(doc.checkpoint().tensors().size(), root.aggregate().tensors());
            List<Fact> facts = doc.adapterRows().facts(q1);
            assertTrue(facts.contains(new Fact("rank", "2  (rank_pattern; r is 4)")), facts.toString());
            assertTrue(facts.contains(new Fact("scale", "4  = alpha / rank")), facts.toString());
            assertTrue(facts.stream().anyMatch(f -> f.label().equals("‖ΔW‖_F") && f.value().startsWith("7.35")));
            assertTrue(facts.contains(new Fact("ΔW shape", "[32, 32]  = scale·B·A")), facts.toString());
            LayerNode embed = row(root, "model.embed_tokens");
            assertTrue(doc.adapterRows().facts(embed).contains(new Fact("ΔW shape", "[64, 32]  = (scale·B·A)ᵀ")));
            LayerNode saved = child(root, AdapterRows.SAVED_WHOLE);
            assertEquals("replaces 1 base tensor", saved.typeName());
            assertEquals("base_model.model.model.embed_tokens.base_layer.weight",
                    row(saved, AdapterRows.SAVED_WHOLE + ".model.embed_tokens.weight").tensor().orElseThrow().key());
            assertTrue(doc.adapterRows().delta(root).isEmpty());
            assertTrue(doc.adapterRows().delta(q1.children().get(0)).isEmpty());
        } finally {
            doc.close();
        }
        OpenedCheckpoint file = OpenedCheckpoint.open(PEFT.resolve("lora-pattern/adapter_model.safetensors"),
                TaskMonitor.NONE);
        try {
            assertTrue(file.adapterRows().isAdapter(), "the weights file beside adapter_config.json opens as the adapter");
            assertEquals("LoRA r 2 · scale 4", row(file.tree(), "model.layers.1.self_attn.q_proj").typeName());
        } finally {
            file.close();
        }
        OpenedCheckpoint base = OpenedCheckpoint.open(PEFT.resolve("llama-base"), TaskMonitor.NONE);
        try {
            assertTrue(!base.adapterRows().isAdapter());
            assertTrue(base.tree().find(n -> n.key().equals("model.layers.0.self_attn.q_proj.weight")).isPresent());
        } finally {
            base.close();
        }
    }

    @Test
    void deltaStatisticsHeatMapAndValuesAreTorchsOverPeftsDeltaWeight() throws IOException {
        JsonNode truth = new ObjectMapper().readTree(PEFT.resolve("delta_stats.json").toFile());
        int checked = 0;
        for (var adapter : (Iterable<Map.Entry<String, JsonNode>>) truth::fields) {
            OpenedCheckpoint doc = OpenedCheckpoint.open(PEFT.resolve(adapter.getKey()), TaskMonitor.NONE);
            try {
                for (var expected : (Iterable<Map.Entry<String, JsonNode>>) adapter.getValue()::fields) {
                    String what = adapter.getKey() + " " + expected.getKey();
                    JsonNode e = expected.getValue();
                    LayerNode row = row(doc.tree(), expected.getKey());
                    TensorRef delta = doc.adapterRows().delta(row).orElseThrow(() -> new AssertionError(what));
                    assertEquals(DType.FLOAT32, delta.dtype());
                    long[] shape = new long[e.get("shape").size()];
                    Arrays.setAll(shape, i -> e.get("shape").get(i).asLong());
                    assertEquals(Arrays.toString(shape), Arrays.toString(delta.shape()), what);

                    Recorder seen = new Recorder();
                    InsightsModel<InsightsModel.Statistics, HeatMapData> model = new InsightsModel<>(
                            new SameThreadRunner(), t -> Optional.empty(), s -> s, h -> h);
                    model.setListener(seen);
                    assertEquals(Optional.empty(), model.select(delta));
                    var s = assertInstanceOf(Load.Ready.class, seen.statistics).value();
                    var stats = ((InsightsModel.Statistics) s).a();
                    assertEquals(e.get("count").asLong(), stats.count(), what);
                    assertEquals(e.get("min").asDouble(), stats.min(), 1e-7, what);
                    assertEquals(e.get("max").asDouble(), stats.max(), 1e-7, what);
                    assertEquals(e.get("mean").asDouble(), stats.mean(), 1e-7, what);
                    assertEquals(e.get("std").asDouble(), stats.std(), 1e-6 * e.get("std").asDouble(), what);
                    assertEquals(e.get("l2").asDouble(), stats.l2(), 1e-6 * e.get("l2").asDouble(), what);
                    assertEquals(e.get("count").asLong(), Arrays.stream(stats.histogram().counts()).sum(), what);
                    assertEquals(e.get("l2").asDouble(), doc.adapterRows().module(row).orElseThrow().summary()
                            .deltaNorm(), 1e-6 * e.get("l2").asDouble(), what + ": ‖ΔW‖ from the Gram matrices");

                    double[] first = ValueReader.of(delta).read(0, 4);
                    for (int i = 0; i < 4; i++) {
                        assertEquals(e.get("first").get(i).asDouble(), first[i], 1e-7, what + " [" + i + "]");
                    }
                    assertTrue(model.hasHeatMap(), what);
                    model.askHeatMap();
                    assertInstanceOf(Load.Ready.class, seen.heatMap, what);
                    model.askValues();
                    assertInstanceOf(Load.Ready.class, seen.values, what);
                    checked++;
                }
            } finally {
                doc.close();
            }
        }
        assertEquals(4 + 7 + 4 + 2, checked, "every module of the four adapters");
    }

    @Test
    void deltaOfConvolutionAndHalfPrecisionAdaptersHasTheNormTorchGives() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(PEFT.resolve("manifest-dtype-conv.json").toFile());
        for (String adapter : List.of("lora-conv", "lora-f16", "lora-bf16")) {
            OpenedCheckpoint doc = OpenedCheckpoint.open(PEFT.resolve(adapter), TaskMonitor.NONE);
            try {
                for (JsonNode e : manifest.get(adapter).get("modules")) {
                    String what = adapter + " " + e.get("module").asText();
                    LayerNode row = row(doc.tree(), e.get("module").asText());
                    TensorRef delta = doc.adapterRows().delta(row).orElseThrow();
                    assertEquals(Arrays.toString(doc.adapterRows().module(row).orElseThrow().lora().deltaShape()),
                            Arrays.toString(delta.shape()), what);
                    Recorder seen = new Recorder();
                    InsightsModel<InsightsModel.Statistics, HeatMapData> model = new InsightsModel<>(
                            new SameThreadRunner(), t -> Optional.empty(), s -> s, h -> h);
                    model.setListener(seen);
                    model.select(delta);
                    var s = (InsightsModel.Statistics) assertInstanceOf(Load.Ready.class, seen.statistics).value();
                    double norm = e.get("delta_norm").asDouble();
                    assertEquals(delta.numel(), s.a().count(), what);
                    assertEquals(norm, s.a().l2(), 1e-5 * norm, what);
                }
            } finally {
                doc.close();
            }
        }
    }

    /** The row below {@code n} whose key is {@code key}. */
    private static LayerNode row(LayerNode n, String key) {
        return n.find(c -> c.key().equals(key))
                .orElseThrow(() -> new AssertionError("no row " + key + " below " + n + ": " + rows(n)));
    }

    private static List<LayerNode> rows(LayerNode n) {
        List<LayerNode> all = new java.util.ArrayList<>(List.of(n));
        n.children().forEach(c -> all.addAll(rows(c)));
        return all;
    }

    private static LayerNode child(LayerNode n, String name) {
        return n.children().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + name + " below " + n + ": " + n.children()));
    }

    private static final class Recorder implements InsightsModel.Listener<InsightsModel.Statistics, HeatMapData> {
        Load<InsightsModel.Statistics> statistics;
        Load<PreviewGrid> values;
        Load<HeatMapData> heatMap;

        @Override
        public void statistics(Load<InsightsModel.Statistics> state) {
            statistics = state;
        }

        @Override
        public void values(Load<PreviewGrid> state) {
            values = state;
        }

        @Override
        public void heatMap(Load<HeatMapData> state) {
            heatMap = state;
        }
    }
}
