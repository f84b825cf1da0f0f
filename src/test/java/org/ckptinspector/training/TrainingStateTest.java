package org.ckptinspector.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Optimizer parameter ids named as torch itself numbers them (make_training.py matches the optimizer's
 * param_groups to model.named_parameters() by identity), and the model's parameter count as
 * {@code sum(p.numel() for p in model.parameters())} gives it.
 */
class TrainingStateTest {
    @ParameterizedTest
    @CsvSource({"torch-1.13,adamw.pt", "torch-2.13,adamw.pt", "torch-1.13,sgd.pt", "torch-2.13,sgd.pt",
        "torch-1.13,lightning.ckpt", "torch-2.13,lightning.ckpt", "torch-1.13,tied.pt", "torch-2.13,tied.pt"})
    void everyIdIsNamedAsTorchNamesIt(String version, String file) throws Exception {
        JsonNode expected = TrainingFixtures.manifest(version).get(file);
        try (Checkpoint c = CheckpointOpener.open(TrainingFixtures.file(version, file))) {
            TrainingState s = TrainingState.of(c);
            assertEquals(expected.get("optimizers").size(), s.optimizers().size());
            for (TrainingState.Optimizer o : s.optimizers()) {
                JsonNode want = expected.get("optimizers").get(o.key());
                assertTrue(want != null, o.key() + " is not an optimizer of " + file);
                assertEquals(OptimizerMapping.Status.MAPPED, o.mapping().status(), o.mapping().toString());
                assertEquals(names(want), o.mapping().names());
            }
            assertEquals(expected.get("parameters").asLong(), s.parameterCount(), s.parameters().toString());
            for (TensorRef t : c.tensors()) {
                s.role(t).ifPresent(r -> assertTrue(r.param() != null && !r.state().isEmpty(), t.key()));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"torch-1.13", "torch-2.13"})
    void twoAssignmentsThatFitAreAmbiguousWithTheTruthAmongTheCandidates(String version) throws Exception {
        JsonNode expected = TrainingFixtures.manifest(version).get("ambiguous.pt").get("optimizers").get("optimizer");
        try (Checkpoint c = CheckpointOpener.open(TrainingFixtures.file(version, "ambiguous.pt"))) {
            OptimizerMapping m = TrainingState.of(c).optimizers().get(0).mapping();
            assertEquals(OptimizerMapping.Status.AMBIGUOUS, m.status());
            assertTrue(m.names().isEmpty());
            names(expected).forEach((id, name) -> assertTrue(m.candidates().get(id).contains(name), m.toString()));
            assertEquals(2, m.candidates().get(0).size());
        }
    }

    @ParameterizedTest
    @CsvSource({"torch-1.13", "torch-2.13"})
    void theBreakdownSplitsEveryByteOnce(String version) throws Exception {
        try (Checkpoint c = CheckpointOpener.open(TrainingFixtures.file(version, "adamw.pt"))) {
            TrainingState s = TrainingState.of(c);
            long model = c.tensors().stream().filter(t -> t.key().startsWith("model_state_dict."))
                    .mapToLong(TensorRef::nbytes).sum();
            long optimizer = c.tensors().stream().filter(t -> t.key().startsWith("optimizer_state_dict."))
                    .mapToLong(TensorRef::nbytes).sum();
            long all = c.tensors().stream().mapToLong(TensorRef::nbytes).sum();
            assertEquals(new TrainingState.Breakdown(model, optimizer, all - model - optimizer), s.breakdown());
            assertTrue(s.breakdown().other() > 0, "the RNG states are neither model nor optimizer");
        }
    }

    @ParameterizedTest
    @CsvSource({"torch-1.13", "torch-2.13"})
    void anOptimizerIsNamedByAModelGivenFromElsewhere(String version) throws Exception {
        JsonNode expected = TrainingFixtures.manifest(version).get("lightning.ckpt").get("optimizers")
                .get("optimizer_states.0");
        try (Checkpoint model = CheckpointOpener.open(TrainingFixtures.file(version, "lightning.ckpt"));
                Checkpoint sgd = CheckpointOpener.open(TrainingFixtures.file(version, "sgd.pt"))) {
            List<ModelParameter> params = TrainingState.parametersOf(model);
            TrainingState s = TrainingState.withModel(model, params);
            assertEquals(names(expected), s.optimizers().get(0).mapping().names());
            OptimizerMapping wrongModel = TrainingState.withModel(sgd, params).optimizers().get(0).mapping();
            assertEquals(OptimizerMapping.Status.NO_FIT, wrongModel.status(), wrongModel.toString());
        }
    }

    private static Map<Integer, String> names(JsonNode byId) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = byId.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(Integer.parseInt(e.getKey()), e.getValue().asText());
        }
        return out;
    }

}
