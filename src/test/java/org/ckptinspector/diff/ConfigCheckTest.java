package org.ckptinspector.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ckptinspector.Fixtures;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportRequest;
import org.ckptinspector.export.Exporter;
import org.ckptinspector.export.Selection;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.report.DiffReport;
import org.ckptinspector.task.TaskMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** config.json against the weights of the HF folders transformers wrote, and a config that lies about them. */
class ConfigCheckTest {
    private static final Path ROOT = Fixtures.ROOT.resolve("llm-folders");

    @ParameterizedTest
    @ValueSource(strings = {"hf-llama", "hf-llama-sharded", "hf-llama-bin", "checkpoint-3"})
    void foldersTransformersWroteAgreeWithTheirConfig(String name) throws IOException {
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve(name))) {
            ConfigCheck check = ConfigCheck.of(c).orElseThrow();
            assertEquals(List.of("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads*head_dim",
                    "num_key_value_heads*head_dim", "tie_word_embeddings"),
                    check.findings().stream().map(ConfigCheck.Finding::field).toList());
            assertTrue(check.findings().stream().allMatch(ConfigCheck.Finding::ok), check.toString());
            assertEquals(32L, byField(check).get("num_attention_heads*head_dim").weights());
            assertEquals(16L, byField(check).get("num_key_value_heads*head_dim").weights(), "GQA: 2 kv heads");
            assertTrue(check.tie(name.startsWith("checkpoint") ? "model.lm_head.weight" : "lm_head.weight")
                    .isPresent());
        }
    }

    @Test
    void aConfigThatDisagreesIsCalledOut(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.copy(ROOT.resolve("hf-llama/model.safetensors"), dir.resolve("model.safetensors"));
        String config = Files.readString(ROOT.resolve("hf-llama/config.json"))
                .replace("\"vocab_size\": 64", "\"vocab_size\": 65")
                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3")
                .replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 4")
                .replace("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false");
        Files.writeString(dir.resolve("config.json"), config);
        try (Checkpoint c = CheckpointOpener.open(dir)) {
            Map<String, ConfigCheck.Finding> f = byField(ConfigCheck.of(c).orElseThrow());
            assertFalse(f.get("vocab_size").ok());
            assertEquals(64L, f.get("vocab_size").weights());
            assertFalse(f.get("num_hidden_layers").ok());
            assertFalse(f.get("num_key_value_heads*head_dim").ok());
            assertTrue(f.get("hidden_size").ok());
            assertFalse(f.get("tie_word_embeddings").ok(), "untied but lm_head.weight is absent");
            assertTrue(ConfigCheck.of(c).orElseThrow().tie("lm_head.weight").isEmpty());
        }
    }

    @Test
    void noCheckWithoutAModelConfig() throws IOException {
        for (String name : List.of("peft-lora", "dcp")) {
            try (Checkpoint c = CheckpointOpener.open(ROOT.resolve(name))) {
                assertTrue(ConfigCheck.of(c).isEmpty(), name);
            }
        }
    }

    @Test
    void dryRunKeepsTorchsLineAndNotesTheTiedHead(@TempDir Path tmp) throws IOException {
        Path model = tmp.resolve("model.pth");
        try (Checkpoint dcp = CheckpointOpener.open(ROOT.resolve("dcp"))) {
            Exporter.export(dcp, ExportRequest.of(Selection.all().withRoot("model"), ExportFormat.PTH), model,
                    TaskMonitor.NONE);
        }
        try (Checkpoint a = CheckpointOpener.open(ROOT.resolve("hf-llama"));
                Checkpoint b = CheckpointOpener.open(model)) {
            DiffResult r = CheckpointDiff.compare(a, b, DiffOptions.defaults(), TaskMonitor.NONE);
            LoadStateDictReport l = r.loadStateDict();
            assertEquals(List.of("lm_head.weight"), l.missingKeys());
            assertEquals(List.of("Missing key(s) in state_dict: \"lm_head.weight\". "), l.errorLines(true));
            assertEquals(1, l.notes().size());
            assertTrue(l.notes().get(0).contains("tie_word_embeddings"), l.notes().get(0));
            String text = DiffReport.toText(r);
            assertTrue(text.contains("\tMissing key(s) in state_dict: \"lm_head.weight\". \n"), text);
            assertTrue(text.contains("note: \"lm_head.weight\" is missing, but A's config.json"), text);
        }
        try (Checkpoint a = CheckpointOpener.open(model);
                Checkpoint b = CheckpointOpener.open(ROOT.resolve("hf-llama"))) {
            assertEquals(List.of(), CheckpointDiff.compare(a, b, DiffOptions.defaults(), TaskMonitor.NONE)
                    .loadStateDict().notes(), "no config: no note");
        }
    }

    private static Map<String, ConfigCheck.Finding> byField(ConfigCheck c) {
        return c.findings().stream().collect(Collectors.toMap(ConfigCheck.Finding::field, f -> f));
    }
}
