package org.ckptinspector.format.folder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ckptinspector.Fixtures;
import org.ckptinspector.adapter.AdapterMerge;
import org.ckptinspector.adapter.LoraAdapter;
import org.ckptinspector.diff.CheckpointDiff;
import org.ckptinspector.diff.DiffOptions;
import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.security.CheckpointScanner;
import org.ckptinspector.security.GlobalClass;
import org.ckptinspector.security.ScanReport;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.values.TensorHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The folders transformers, peft, a Trainer and torch.distributed.checkpoint write (fixtures/llm-folders, made by
 * make_llm_folders.py) against what those libraries read back: every tensor's dtype, shape and SHA-256.
 */
class LlmFoldersTest {
    static final Path ROOT = Fixtures.ROOT.resolve("llm-folders");

    static JsonNode manifest() throws IOException {
        return new ObjectMapper().readTree(ROOT.resolve("manifest.json").toFile());
    }

    static Stream<String> folders() throws IOException {
        List<String> names = new ArrayList<>();
        manifest().fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("folders")
    void everyTensorAsTheLibrariesReadIt(String name) throws IOException {
        JsonNode entry = manifest().get(name);
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve(name))) {
            CheckpointFolder folder = c.folderRef().orElseThrow();
            assertEquals(entry.get("kind").asText(), folder.kind().id());
            assertEquals(folder.kind() == CheckpointFolder.Kind.DCP ? Format.DCP : Format.FOLDER, c.format());
            assertEquals(List.of(), c.warnings());
            Map<String, TensorRef> byKey = c.tensorsByKey();
            assertEquals(entry.get("tensors").size(), c.tensors().size(), "tensor count");
            for (JsonNode t : entry.get("tensors")) {
                String key = t.get("key").asText();
                TensorRef ref = byKey.get(key);
                assertNotNull(ref, name + ": " + key);
                assertEquals(t.get("dtype").asText(), ref.dtype().torchName(), key);
                assertArrayEquals(longs(t.get("shape")), ref.shape(), key);
                assertEquals(t.get("sha256").asText(), TensorHash.sha256(ref), key);
            }
            for (CheckpointFolder.Part p : folder.parts()) {
                assertTrue(contains(entry.get("files"), p.name()), p.name());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("folders")
    void configValuesShownWithTheCheckpoint(String name) throws IOException {
        JsonNode cfg = manifest().get(name).get("config");
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve(name))) {
            PyValue config = c.folder().config();
            if (cfg == null) {
                assertTrue(c.folder().kind() == CheckpointFolder.Kind.DCP
                        || c.folder().kind() == CheckpointFolder.Kind.PEFT_ADAPTER, name);
                return;
            }
            PyValue.Dict d = (PyValue.Dict) config;
            Iterator<Map.Entry<String, JsonNode>> it = cfg.fields();
            int checked = 0;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isIntegralNumber()) {
                    assertEquals(e.getValue().asLong(), ((PyValue.Int) d.get(e.getKey())).longValue(), e.getKey());
                    checked++;
                } else if (e.getValue().isTextual()) {
                    assertEquals(e.getValue().asText(), ((PyValue.Str) d.get(e.getKey())).value(), e.getKey());
                }
            }
            assertTrue(checked >= 5, "hidden_size, layers, heads… compared");
            PyValue.Dict metadata = (PyValue.Dict) c.metadata();
            assertEquals(config, metadata.get("config.json"));
        }
    }

    @Test
    void trainerFolderHasOneKeyPrefixPerFileAndPerFileStorages() throws IOException {
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve("checkpoint-3"))) {
            List<String> prefixes = c.folder().parts().stream().filter(p -> !p.keyPrefix().isEmpty())
                    .map(p -> p.name() + "=" + p.keyPrefix()).toList();
            assertEquals(List.of("model.safetensors=model", "optimizer.pt=optimizer", "rng_state.pth=rng_state",
                    "scheduler.pt=scheduler"), prefixes);
            TensorRef exp = c.tensor("optimizer.state.0.exp_avg").orElseThrow();
            assertEquals(List.of("optimizer", "state", 0, "exp_avg"), exp.path());
            assertEquals("optimizer.pt/" + "1", exp.storage().key());
            assertEquals("rng_state.pth/0", c.tensor("rng_state.cpu").orElseThrow().storage().key());
            PyValue.Dict root = (PyValue.Dict) c.root();
            assertTrue(root.get("optimizer") instanceof PyValue.Dict opt && opt.get("param_groups") != null);
            assertTrue(c.globalNames().contains("numpy.ndarray"), "rng_state.pth's numpy state is reported");
            assertTrue(c.globals().stream().anyMatch(g -> g.record().startsWith("rng_state.pth > ")));
            assertEquals(3, ((PyValue.Int) ((PyValue.Dict) ((PyValue.Dict) c.metadata()).get("trainer_state.json"))
                    .get("global_step")).longValue());
        }
    }

    @ParameterizedTest
    @MethodSource("dcpFolders")
    void dcpFolderIsIdenticalToItsDcpToTorchSaveOutput(String name) throws IOException {
        try (Checkpoint a = CheckpointOpener.open(ROOT.resolve(name));
                Checkpoint b = CheckpointOpener.open(ROOT.resolve(name + ".pth"))) {
            DiffResult r = CheckpointDiff.compare(a, b, DiffOptions.defaults(), TaskMonitor.NONE);
            assertTrue(r.isIdentical(), name);
        }
    }

    static Stream<String> dcpFolders() {
        return Stream.of("dcp", "dcp-2ranks");
    }

    @Test
    void dcpChunksShowWhereEachPartLies() throws IOException {
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve("dcp-2ranks"))) {
            List<CheckpointFolder.Chunk> cols = c.folder().chunks().get("m.cols");
            assertEquals(2, cols.size());
            assertArrayEquals(new long[] {0, 5}, cols.get(1).offsets());
            assertArrayEquals(new long[] {3, 5}, cols.get(1).sizes());
            assertEquals("__1_0.distcp", cols.get(1).file());
            assertEquals(List.of("m", "cols"), c.tensor("m.cols").orElseThrow().path());
            assertEquals(1, c.folder().chunks().get("m.rep").size(), "a replicated tensor is stored once");
        }
        try (Checkpoint c = CheckpointOpener.open(ROOT.resolve("dcp"))) {
            PyValue.Dict values = (PyValue.Dict) c.metadata();
            assertEquals(7, ((PyValue.Int) values.get("step")).longValue());
            assertEquals("hi", ((PyValue.Str) values.get("extra.note")).value());
            PyValue.Dict root = (PyValue.Dict) c.root();
            PyValue groups = ((PyValue.Dict) root.get("optim")).get("param_groups");
            assertTrue(groups instanceof PyValue.PyList l && l.size() == 1, "lists rebuilt from integer paths");
        }
    }

    @Test
    void scannerScansEveryPickleOfAFolder() throws IOException {
        ScanReport dcp = CheckpointScanner.scan(ROOT.resolve("dcp-2ranks"), TaskMonitor.NONE);
        assertTrue(dcp.isComplete(), dcp.errors().toString());
        assertEquals(GlobalClass.UNKNOWN, dcp.verdict(), "DCP's metadata dataclasses: inert, not weights_only-safe");
        assertTrue(dcp.globals().stream().noneMatch(f -> f.globalClass() == GlobalClass.DANGEROUS));
        assertTrue(dcp.globals().stream().anyMatch(f -> f.global().record().equals(".metadata > pickle 1")));
        assertEquals(7, dcp.globals().stream().map(f -> f.global().record())
                .filter(r -> r.endsWith("> archive/data.pkl")).distinct().count(), "one archive per stored chunk: 2 + 2 + 2 + 1 (replicated, stored once)");
        ScanReport trainer = CheckpointScanner.scan(ROOT.resolve("checkpoint-3"), TaskMonitor.NONE);
        assertEquals(GlobalClass.UNKNOWN, trainer.verdict(), "numpy's RNG state in rng_state.pth");
    }

    @Test
    void hostileDcpMetadataIsRefusedByTheReaderAndFlaggedByTheScanner(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dcp"));
        Files.copy(ROOT.resolve("dcp/__0_0.distcp"), dir.resolve("__0_0.distcp"));
        // PROTO 2, GLOBAL 'os system', SHORT_BINUNICODE 'true', TUPLE1, REDUCE, STOP
        byte[] evil = {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n', (byte) 0x8c, 4,
            't', 'r', 'u', 'e', (byte) 0x85, 'R', '.'};
        Files.write(dir.resolve(".metadata"), evil);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(dir));
        assertTrue(e.getMessage().contains("os.system") && e.getMessage().contains(".metadata"), e.getMessage());
        ScanReport r = CheckpointScanner.scan(dir, TaskMonitor.NONE);
        assertEquals(GlobalClass.DANGEROUS, r.verdict());
    }

    @Test
    void folderWithoutCheckpointFilesIsRefusedByName(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("notes.txt"), "hello");
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(tmp));
        assertEquals(CheckpointException.Kind.NOT_A_CHECKPOINT, e.kind());
        assertTrue(e.getMessage().startsWith(tmp.toString()), e.getMessage());
    }

    @Test
    void brokenTrainerPartIsAWarningNotAFailure(@TempDir Path tmp) throws IOException {
        for (String f : List.of("config.json", "model.safetensors", "scheduler.pt")) {
            Files.copy(ROOT.resolve("checkpoint-3").resolve(f), tmp.resolve(f));
        }
        Files.write(tmp.resolve("optimizer.pt"), new byte[] {'P', 'K', 3, 4, 0, 0});
        try (Checkpoint c = CheckpointOpener.open(tmp)) {
            assertEquals(CheckpointFolder.Kind.TRAINER_CHECKPOINT, c.folder().kind());
            assertTrue(c.warnings().stream().anyMatch(w -> w.startsWith("optimizer.pt not read: ")),
                    c.warnings().toString());
            assertEquals(List.of("optimizer.pt"), List.copyOf(c.folder().unread().keySet()));
            assertFalse(c.tensors().isEmpty());
        }
    }

    /** A run killed while saving leaves trainer_state.json cut short: the weights and optimizer still show. */
    @Test
    void truncatedTrainerStateIsAWarningNotAFailure(@TempDir Path tmp) throws IOException {
        Path source = ROOT.resolve("checkpoint-3");
        copyFolder(source, tmp);
        byte[] state = Files.readAllBytes(source.resolve("trainer_state.json"));
        Files.write(tmp.resolve("trainer_state.json"), java.util.Arrays.copyOf(state, state.length / 2));
        try (Checkpoint whole = CheckpointOpener.open(source); Checkpoint c = CheckpointOpener.open(tmp)) {
            assertEquals(CheckpointFolder.Kind.TRAINER_CHECKPOINT, c.folder().kind());
            assertEquals(List.of("trainer_state.json not read: the file is not valid JSON"),
                    c.warnings().stream().map(w -> w.replaceAll(": Unexpected.*", "")).toList());
            assertEquals(whole.tensors().size(), c.tensors().size());
            assertTrue(c.metadata() instanceof PyValue.Dict d && d.get("trainer_state.json") == null
                    && d.get("config.json") != null);
        }
    }

    /** A hand-edited config.json that does not parse: the model's weights show all the same, with a warning. */
    @Test
    void unreadableConfigIsAWarningNotAFailure(@TempDir Path tmp) throws IOException {
        Path source = ROOT.resolve("hf-llama");
        copyFolder(source, tmp);
        Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 64,\n");
        try (Checkpoint whole = CheckpointOpener.open(source); Checkpoint c = CheckpointOpener.open(tmp)) {
            assertEquals(CheckpointFolder.Kind.HF_MODEL, c.folder().kind());
            assertEquals(List.of("config.json not read: the file is not valid JSON"),
                    c.warnings().stream().map(w -> w.replaceAll(": Unexpected.*", "")).toList());
            assertEquals(List.of("config.json"), List.copyOf(c.folder().unread().keySet()));
            assertTrue(c.folder().unread().get("config.json").startsWith("the file is not valid JSON: "));
            assertEquals(whole.tensors().stream().map(TensorRef::key).toList(),
                    c.tensors().stream().map(TensorRef::key).toList());
            assertEquals(PyValue.None.NONE, c.folder().config());
            assertTrue(c.folder().parts().stream().noneMatch(p -> p.name().equals("config.json")));
            assertTrue(c.metadata() instanceof PyValue.Dict d && d.get("config.json") == null
                    && d.get("generation_config.json") != null);
        }
    }

    /** Weights that cannot be read are the whole checkpoint of a model folder: it fails, naming the file. */
    @Test
    void unreadableWeightsFailAModelFolder(@TempDir Path tmp) throws IOException {
        copyFolder(ROOT.resolve("hf-llama"), tmp);
        Files.write(tmp.resolve("model.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{'});
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointOpener.open(tmp));
        assertTrue(e.getMessage().startsWith(tmp.resolve("model.safetensors") + ": "), e.getMessage());
    }

    /** An adapter whose adapter_config.json does not parse opens, and a merge says why it cannot be made. */
    @Test
    void unreadableAdapterConfigOpensButDoesNotMerge(@TempDir Path tmp) throws IOException {
        copyFolder(ROOT.resolve("peft-lora"), tmp);
        byte[] config = Files.readAllBytes(tmp.resolve("adapter_config.json"));
        Files.write(tmp.resolve("adapter_config.json"), java.util.Arrays.copyOf(config, config.length / 2));
        try (Checkpoint base = CheckpointOpener.open(ROOT.resolve("hf-llama"));
                Checkpoint c = CheckpointOpener.open(tmp)) {
            assertEquals(CheckpointFolder.Kind.PEFT_ADAPTER, c.folder().kind());
            assertEquals(8, c.tensors().size());
            assertTrue(LoraAdapter.of(c).isEmpty());
            assertEquals(List.of("adapter_config.json"), List.copyOf(c.folder().unread().keySet()));
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> AdapterMerge.of(base, c));
            assertTrue(e.getMessage().startsWith(tmp + ": the adapter cannot be merged: adapter_config.json not "
                    + "read: the file is not valid JSON: "), e.getMessage());
        }
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static boolean contains(JsonNode array, String s) {
        for (JsonNode n : array) {
            if (n.asText().equals(s)) {
                return true;
            }
        }
        return false;
    }

    private static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }
}
