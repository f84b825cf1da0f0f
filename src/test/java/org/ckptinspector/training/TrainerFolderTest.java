package org.ckptinspector.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.api.Test;

/**
 * The optimizer.pt of an HF Trainer checkpoint folder (written by transformers' own Trainer, make_trainer_folders.py)
 * named by the model beside it, against the names the Trainer's optimizer itself holds: mapped when the model file
 * keeps the model's order (pytorch_model.bin), ambiguous with the truth among the candidates when it does not
 * (model.safetensors is sorted by name).
 */
class TrainerFolderTest {
    static final Path DIR = TrainingFixtures.DIR.resolve("trainer");

    static JsonNode manifest(String folder) throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile()).get(folder);
    }

    @Test
    void aPytorchModelBinNamesEveryIdAsTheTrainersOptimizerDoes() throws IOException {
        JsonNode expected = manifest("checkpoint-4-bin");
        try (Checkpoint c = CheckpointOpener.open(DIR.resolve("checkpoint-4-bin"))) {
            TrainingState s = TrainingState.of(c);
            assertEquals("model", s.modelKey());
            assertEquals(1, s.optimizers().size());
            TrainingState.Optimizer o = s.optimizers().get(0);
            assertEquals("optimizer", o.key());
            assertEquals(OptimizerMapping.Status.MAPPED, o.mapping().status(), o.mapping().toString());
            assertNull(o.mapping().reason());
            assertEquals(names(expected.get("optimizer")), o.mapping().names());
            for (int g = 0; g < o.stateDict().groups().size(); g++) {
                assertEquals(expected.get("group_sizes").get(g).asInt(), o.stateDict().groups().get(g).ids().size());
            }
            assertEquals(expected.get("model_parameters").asLong(), s.parameterCount(), "tied lm_head counted once");
            int named = 0;
            for (TensorRef t : c.tensors()) {
                if (t.key().startsWith("optimizer.state.")) {
                    TrainingState.StateRole r = s.role(t).orElseThrow();
                    String id = t.key().split("\\.")[2];
                    assertEquals(expected.get("optimizer").get(id).asText(), r.param(), t.key());
                    named++;
                }
            }
            assertEquals(3 * expected.get("optimizer").size(), named, "step, exp_avg, exp_avg_sq of every id");
        }
    }

    @Test
    void aSortedModelSafetensorsNeverGivesAGuessedOrder() throws IOException {
        JsonNode expected = manifest("checkpoint-4");
        try (Checkpoint c = CheckpointOpener.open(DIR.resolve("checkpoint-4"))) {
            TrainingState s = TrainingState.of(c);
            OptimizerMapping m = s.optimizers().get(0).mapping();
            assertEquals(OptimizerMapping.Status.AMBIGUOUS, m.status(), m.toString());
            assertNotNull(m.reason());
            assertTrue(m.reason().contains("model.safetensors"), m.reason());
            Map<Integer, String> truth = names(expected.get("optimizer"));
            // The embedding is the only [64, 32] parameter: settled, so not a candidate list.
            assertNull(m.candidates().get(0));
            truth.forEach((id, name) -> {
                if (id != 0) {
                    assertTrue(m.candidates().get(id).contains(name), id + " " + name + " in " + m.candidates());
                }
            });
            assertTrue(s.optimizers().get(0).mapping().names().isEmpty());
            assertEquals(expected.get("model_parameters").asLong(), s.parameterCount());
        }
    }

    @Test
    void withoutOrderShapesAloneNameWhatTheyCanAndRefuseWhatCannotFit() {
        // Group 0: ids 0 (a [4, 2] weight) and 1 (no state yet); group 1: id 2, a [3, 4] weight.
        OptimizerStateDict adam = new OptimizerStateDict(List.of(new OptimizerStateDict.Group(List.of(0, 1), Map.of()),
                new OptimizerStateDict.Group(List.of(2), Map.of())),
                Map.of(0, Map.of("exp_avg", new long[] {4, 2}), 2, Map.of("exp_avg", new long[] {3, 4})));
        List<ModelParameter> model = List.of(new ModelParameter("b.bias", new long[] {4}),
                new ModelParameter("a.weight", new long[] {4, 2}), new ModelParameter("c.weight", new long[] {3, 4}));
        OptimizerMapping m = OptimizerMapping.solveByShape(model, adam, "sorted");
        assertEquals(OptimizerMapping.Status.MAPPED, m.status(), m.toString());
        assertEquals(Map.of(0, "a.weight", 1, "b.bias", 2, "c.weight"), m.names());
        List<ModelParameter> smaller = List.of(new ModelParameter("a.weight", new long[] {4, 2}),
                new ModelParameter("c.weight", new long[] {3, 4}));
        assertEquals(OptimizerMapping.Status.NO_FIT, OptimizerMapping.solveByShape(smaller, adam, "sorted").status());
    }

    private static Map<Integer, String> names(JsonNode byId) {
        Map<Integer, String> out = new LinkedHashMap<>();
        byId.fields().forEachRemaining(e -> out.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
        return out;
    }
}
