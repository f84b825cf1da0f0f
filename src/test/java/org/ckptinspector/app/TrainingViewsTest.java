package org.ckptinspector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.export.ExportResult;
import org.ckptinspector.export.Exporter;
import org.ckptinspector.export.TorchPython;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.training.CheckpointValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The app's training views without a window, on the training fixtures (make_training.py, make_trainer_folders.py):
 * parameters counted as torch counts {@code model.parameters()}, the Contents tree, the summary, the optimizer
 * moments of a weight as the optimizer's own param_groups name them, and one-click slim exports that torch 2.13
 * loads with {@code weights_only=True}, holding exactly the source's tensors.
 */
class TrainingViewsTest {
    static final Path TRAINING = Path.of("src/test/resources/training");
    static final Path TRAINER = TRAINING.resolve("trainer");

    static JsonNode manifest(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @ParameterizedTest
    @CsvSource({"torch-1.13,adamw.pt", "torch-2.13,adamw.pt", "torch-2.13,tied.pt", "torch-2.13,lightning.ckpt",
        "torch-1.13,sgd.pt"})
    void theFileRowCountsModelParametersAsTorchDoes(String version, String file) throws IOException {
        long expected = manifest(TRAINING.resolve(version).resolve("manifest.json")).get(file).get("parameters")
                .asLong();
        OpenedCheckpoint doc = OpenedCheckpoint.open(TRAINING.resolve(version).resolve(file), TaskMonitor.NONE);
        try {
            assertEquals(expected, doc.tree().aggregate().parameters());
            long all = doc.checkpoint().tensors().stream().mapToLong(TensorRef::numel).sum();
            assertTrue(all > expected, "optimizer state and buffers are not parameters: " + all);
        } finally {
            doc.close();
        }
    }

    @Test
    void theContentsTreeHoldsEveryValueAndTheSearchKeepsTheMatchesWithTheirParents() throws IOException {
        OpenedCheckpoint doc = OpenedCheckpoint.open(TRAINING.resolve("torch-2.13/adamw.pt"), TaskMonitor.NONE);
        try {
            ValueTree tree = ValueTree.of(doc.checkpoint().metadata(), "adamw.pt");
            for (CheckpointValues.Leaf l : CheckpointValues.leaves(doc.checkpoint().metadata())) {
                ValueTree row = tree.find(l.path());
                assertNotNull(row, l.path());
                assertEquals(CheckpointValues.text(l.value()), row.value(), l.path());
            }
            assertEquals("3", tree.find("epoch").value());
            assertEquals("argparse.Namespace", tree.find("args").type());
            ValueTree lr = tree.filter("LR");
            assertNotNull(lr.find("args.lr"));
            assertNotNull(lr.find("optimizer_state_dict.param_groups.0.lr"));
            assertNull(lr.find("epoch"));
            ValueTree scheduler = tree.filter("scheduler");
            assertEquals(tree.find("scheduler").size(), scheduler.find("scheduler").size(), "a matching dict keeps all");
            assertEquals(1, tree.filter("no such value anywhere").size());
        } finally {
            doc.close();
        }
    }

    @Test
    void theSummaryOfATrainerFolderHasItsStepLossAndSizes() throws IOException {
        JsonNode expected = manifest(TRAINER.resolve("manifest.json")).get("checkpoint-4-bin");
        OpenedCheckpoint doc = OpenedCheckpoint.open(TRAINER.resolve("checkpoint-4-bin"), TaskMonitor.NONE);
        try {
            Map<String, String> facts = facts(TrainingSummary.of(doc.checkpoint(), doc.training()));
            assertTrue(facts.get("step").startsWith(expected.get("global_step").asText() + " "), facts.get("step"));
            assertTrue(facts.get("step").contains("trainer_state.json.global_step"), facts.get("step"));
            assertFalse(facts.get("loss").startsWith("not"), facts.get("loss"));
            assertEquals(Formats.count(expected.get("model_parameters").asLong()) + "   (in model)",
                    facts.get("model parameters"));
            assertTrue(facts.get("optimizer").startsWith("optimizer: 20 parameters in 2 groups, names mapped"), facts.toString());
            assertTrue(facts.get("sizes").contains("optimizer state " + Formats.bytes(doc.training().breakdown()
                    .optimizer())), facts.get("sizes"));
        } finally {
            doc.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"torch-1.13", "torch-2.13"})
    void aWeightShowsTheMomentsTheOptimizerKeepsForIt(String version) throws IOException {
        JsonNode ids = manifest(TRAINING.resolve(version).resolve("manifest.json")).get("adamw.pt").get("optimizers")
                .get("optimizer_state_dict");
        OpenedCheckpoint doc = OpenedCheckpoint.open(TRAINING.resolve(version).resolve("adamw.pt"), TaskMonitor.NONE);
        try {
            Map<String, TensorRef> byKey = doc.checkpoint().tensorsByKey();
            for (var it = ids.fields(); it.hasNext();) {
                var e = it.next();
                TensorRef weight = byKey.get("model_state_dict." + e.getValue().asText());
                List<OptimizerMoments.Moment> moments = OptimizerMoments.of(doc.checkpoint(), doc.training(), weight);
                assertEquals(List.of("exp_avg", "exp_avg_sq"), moments.stream().map(OptimizerMoments.Moment::state)
                        .toList(), weight.key());
                for (OptimizerMoments.Moment m : moments) {
                    assertEquals("optimizer_state_dict.state." + e.getKey() + "." + m.state(), m.tensor().key());
                }
            }
            TensorRef step = byKey.get("optimizer_state_dict.state.0.exp_avg");
            assertEquals(List.of(), OptimizerMoments.of(doc.checkpoint(), doc.training(), step));
        } finally {
            doc.close();
        }
    }

    @Test
    void anAmbiguousMappingSaysWhyAWeightHasNoMoments() throws IOException {
        OpenedCheckpoint doc = OpenedCheckpoint.open(TRAINER.resolve("checkpoint-4"), TaskMonitor.NONE);
        try {
            TensorRef q = doc.checkpoint().tensorsByKey().get("model.model.layers.0.self_attn.q_proj.weight");
            assertEquals(List.of(), OptimizerMoments.of(doc.checkpoint(), doc.training(), q));
            assertTrue(OptimizerMoments.whyNone(doc.training(), q).orElseThrow().contains("ambiguous"));
        } finally {
            doc.close();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "torch-2.13/adamw.pt, MODEL_WEIGHTS", "torch-2.13/adamw.pt, WITHOUT_OPTIMIZER",
        "torch-1.13/adamw.pt, MODEL_WEIGHTS", "torch-2.13/lightning.ckpt, MODEL_WEIGHTS",
        "torch-2.13/lightning.ckpt, WITHOUT_OPTIMIZER", "trainer/checkpoint-4-bin, MODEL_WEIGHTS",
        "trainer/checkpoint-4, WITHOUT_OPTIMIZER"})
    void aSlimExportLoadsWithWeightsOnlyAndHoldsExactlyWhatTorchReadsFromTheSource(String source, SlimExport kind,
            @TempDir Path tmp) throws Exception {
        Path src = TRAINING.resolve(source);
        OpenedCheckpoint doc = OpenedCheckpoint.open(src, TaskMonitor.NONE);
        Path out = tmp.resolve(kind.suggestedOutput(src).getFileName());
        Map<String, Object> spec = new LinkedHashMap<>();
        try {
            assertTrue(kind.unavailable(doc.checkpoint(), doc.training()).isEmpty());
            ExportResult r = Exporter.export(doc.checkpoint(), kind.request(doc.checkpoint(), doc.training()), out,
                    TaskMonitor.NONE);
            assertEquals(kind.keys(doc.checkpoint(), doc.training()).size(), r.tensors());
            Map<String, String> sources = new LinkedHashMap<>();
            if (Files.isDirectory(src)) {
                doc.checkpoint().folderRef().orElseThrow().parts().stream()
                        .filter(p -> !p.keyPrefix().isEmpty() && !p.role().equals("training_args"))
                        .forEach(p -> sources.put(p.keyPrefix(), src.resolve(p.name()).toAbsolutePath().toString()));
            } else {
                sources.put("", src.toAbsolutePath().toString());
            }
            spec.put("sources", sources);
            spec.put("root", kind == SlimExport.MODEL_WEIGHTS && doc.training().modelKey() != null
                    ? doc.training().modelKey() : "");
            spec.put("exclude", doc.training().optimizers().stream().map(o -> o.key()).toList());
        } finally {
            doc.close();
        }
        Path specFile = tmp.resolve("spec.json");
        new ObjectMapper().writeValue(specFile.toFile(), spec);
        JsonNode report = TorchPython.torch213().runJson(Path.of("src/test/python/check_slim_export.py"),
                List.of(out.toString(), specFile.toString()));
        assertTrue(report.get("loaded").asBoolean(), report.toString());
        assertEquals(0, report.get("problems").size(), report.toString());
        assertTrue(report.get("keys").size() > 0);
        if (kind == SlimExport.MODEL_WEIGHTS) {
            assertTrue(report.get("keys").toString().contains("weight\""), report.toString());
            assertFalse(report.get("keys").toString().contains("exp_avg"), report.toString());
        }
    }

    private static Map<String, String> facts(TrainingSummary s) {
        Map<String, String> out = new LinkedHashMap<>();
        s.facts().forEach(f -> out.put(f.label(), f.value()));
        return out;
    }
}
