package org.ckptinspector.format.folder;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ckptinspector.format.dcp.DcpReader;
import org.ckptinspector.format.sharded.JsonTree;
import org.ckptinspector.format.sharded.ShardedReader.ShardOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * Opens a folder as one checkpoint: a DCP folder, an HF model folder ({@code config.json} and its weights, single
 * or sharded), a PEFT adapter folder, or an HF Trainer {@code checkpoint-N} folder, whose model, optimizer,
 * scheduler and RNG files become one checkpoint with one key prefix per file. Each file is read by the reader its
 * content calls for; a shard index by the sharded reader.
 */
public final class FolderReader {
    /** Model weights in the order transformers looks for them. */
    private static final List<String> MODEL_WEIGHTS = List.of("model.safetensors.index.json", "model.safetensors",
            "pytorch_model.bin.index.json", "pytorch_model.bin");
    private static final List<String> ADAPTER_WEIGHTS = List.of("adapter_model.safetensors", "adapter_model.bin");
    /** The JSON files shown with the checkpoint. */
    private static final List<String> JSON_FILES = List.of("config.json", "generation_config.json",
            CheckpointFolder.ADAPTER_CONFIG, "trainer_state.json");
    /** Files Trainer writes beside the model in a checkpoint-N folder, with their key prefixes. */
    private static final List<String> TRAINER_FILES = List.of("optimizer.pt", "optimizer.bin", "scheduler.pt",
            "scaler.pt", "rng_state.pth", "training_args.bin");
    /** A folder is listed before anything is read; a folder with more files than this is no checkpoint. */
    static final int MAX_FILES = 100_000;

    private FolderReader() {}

    /** Reads the folder; each checkpoint file in it is opened through {@code opener} (the reader its content calls for). */
    public static Checkpoint read(Path dir, ShardOpener opener) throws IOException {
        if (DcpReader.isDcp(dir)) {
            return DcpReader.read(dir);
        }
        Selection sel = select(dir);
        Composite c = new Composite(dir, sel.kind() == CheckpointFolder.Kind.TRAINER_CHECKPOINT, opener);
        try {
            for (String f : sel.checkpointFiles()) {
                c.add(f, sel.role(f));
            }
            PyValue.Dict metadata = new PyValue.Dict();
            PyValue config = PyValue.None.NONE;
            for (String json : sel.jsonFiles()) {
                PyValue v = c.json(json);
                if (v == null) {
                    continue;
                }
                metadata.put(new PyValue.Str(json), v);
                if (json.equals("config.json")
                        || json.equals(CheckpointFolder.ADAPTER_CONFIG) && config == PyValue.None.NONE) {
                    config = v;
                }
            }
            c.partMetadata(metadata);
            return c.checkpoint(sel.kind(), config, metadata);
        } catch (IOException | RuntimeException | Error e) {
            c.closeAfter(e);
            throw e;
        }
    }

    /**
     * The checkpoint files of a folder that is not a DCP folder (weights, shard index, optimizer, scheduler, RNG
     * state, training arguments), in reading order: what the scanner scans.
     *
     * @throws CheckpointException when the folder holds no checkpoint
     */
    public static List<Path> checkpointFiles(Path dir) throws IOException {
        return select(dir).checkpointFiles().stream().map(dir::resolve).toList();
    }

    /**
     * True when {@code dir} is a folder that opens as one checkpoint: a DCP folder, or a folder of checkpoint files
     * with the file transformers, peft or Trainer writes beside them ({@code config.json},
     * {@code adapter_config.json}, {@code trainer_state.json}). Any other folder is a folder of files.
     */
    public static boolean isCheckpointFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        if (DcpReader.isDcp(dir)) {
            return true;
        }
        try {
            Selection sel = select(dir);
            return sel.jsonFiles().contains("config.json")
                    || sel.jsonFiles().contains(CheckpointFolder.ADAPTER_CONFIG)
                    || sel.jsonFiles().contains("trainer_state.json");
        } catch (IOException e) {
            return false;
        }
    }

    /** What a folder holds, decided from its file names before anything is read. */
    private record Selection(CheckpointFolder.Kind kind, String weights, List<String> checkpointFiles,
            List<String> jsonFiles) {
        /** The role of a checkpoint file, which is also its key prefix in a Trainer folder. */
        String role(String file) {
            if (file.equals(weights)) {
                return ADAPTER_WEIGHTS.contains(file) ? "adapter" : "model";
            }
            return file.substring(0, file.indexOf('.'));
        }
    }

    private static Selection select(Path dir) throws IOException {
        List<String> names = fileNames(dir);
        String adapter = first(names, ADAPTER_WEIGHTS);
        String model = first(names, MODEL_WEIGHTS);
        boolean isAdapter = adapter != null && names.contains(CheckpointFolder.ADAPTER_CONFIG);
        String weights = isAdapter || model == null ? adapter : model;
        List<String> trainerFiles = names.stream().filter(n -> TRAINER_FILES.contains(n)
                || n.matches("rng_state_\\d+\\.pth")).toList();
        boolean trainer = !trainerFiles.isEmpty() || names.contains("trainer_state.json");
        if (weights == null && !trainer) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, dir + ": a folder without "
                    + "checkpoint files (no .metadata of a DCP checkpoint, no model.safetensors, pytorch_model.bin, "
                    + "shard index or adapter_model.safetensors); open a file in it instead");
        }
        CheckpointFolder.Kind kind = trainer ? CheckpointFolder.Kind.TRAINER_CHECKPOINT
                : isAdapter ? CheckpointFolder.Kind.PEFT_ADAPTER : CheckpointFolder.Kind.HF_MODEL;
        List<String> files = new ArrayList<>();
        if (weights != null) {
            files.add(weights);
        }
        files.addAll(trainerFiles);
        return new Selection(kind, weights, files, JSON_FILES.stream().filter(names::contains).toList());
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.limit(MAX_FILES + 1L).filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString()).sorted().toList();
            if (names.size() > MAX_FILES) {
                throw CheckpointException.limit(dir, "the folder holds more than " + MAX_FILES + " files");
            }
            return names;
        }
    }

    private static String first(List<String> names, List<String> wanted) {
        return wanted.stream().filter(names::contains).findFirst().orElse(null);
    }

    /** The parts read so far and what they contribute. */
    private static final class Composite {
        private final Path dir;
        private final boolean prefixed;
        private final ShardOpener opener;
        private final List<Closeable> resources = new ArrayList<>();
        private final List<CheckpointFolder.Part> parts = new ArrayList<>();
        private final List<Checkpoint> opened = new ArrayList<>();
        private final List<TensorRef> tensors = new ArrayList<>();
        private final List<GlobalRef> globals = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private final Map<String, String> unread = new LinkedHashMap<>();
        private final PyValue.Dict root = new PyValue.Dict();
        private PyValue single;

        Composite(Path dir, boolean prefixed, ShardOpener opener) {
            this.dir = dir;
            this.prefixed = prefixed;
            this.opener = opener;
        }

        /** Reads {@code name}; in a Trainer folder its keys get {@code prefix}, elsewhere they stay as they are. */
        void add(String name, String role) throws IOException {
            Checkpoint c;
            try {
                c = opener.open(dir.resolve(name));
            } catch (CheckpointException e) {
                unread(name, e);
                return;
            }
            resources.add(c);
            opened.add(c);
            String prefix = prefixed ? role : "";
            parts.add(new CheckpointFolder.Part(name, role, prefix, c.format().id()));
            Map<Storage, Storage> renamed = new IdentityHashMap<>();
            for (TensorRef t : c.tensors()) {
                if (prefix.isEmpty()) {
                    tensors.add(t);
                } else {
                    List<Object> path = new ArrayList<>();
                    path.add(prefix);
                    path.addAll(t.path());
                    tensors.add(inFile(name, t, renamed)
                            .withLocation(t.key().isEmpty() ? prefix : prefix + "." + t.key(), path));
                }
            }
            for (GlobalRef g : c.globals()) {
                globals.add(new GlobalRef(g.module(), g.name(), name + " > " + g.record(), g.offset()));
            }
            for (String w : c.warnings()) {
                warnings.add(name + ": " + w);
            }
            if (prefix.isEmpty()) {
                single = c.root();
            } else {
                root.put(new PyValue.Str(prefix), c.root());
            }
        }

        /**
         * The tensor with its shareable storages named after their file ({@code optimizer.pt/0}), so that storages
         * of different files never look shared; one storage stays one object.
         */
        private static TensorRef inFile(String file, TensorRef t, Map<Storage, Storage> renamed) {
            Storage s = t.storage();
            Storage named = s == null || !s.shareable() ? s : renamed.computeIfAbsent(s, k -> new Storage(
                    file + "/" + k.key(), k.dtype(), k.byteSize(), k.location(), k.bytes(), true));
            Map<String, TensorRef> parts = new LinkedHashMap<>();
            t.components().forEach((k, v) -> parts.put(k, inFile(file, v, renamed)));
            return new TensorRef(t.key(), t.path(), t.dtype(), t.shape(), t.stride(), t.storageOffset(), named,
                    t.layout(), parts, t.quantization(), t.flags(), t.pythonType(), t.problems());
        }

        /**
         * The values of JSON file {@code name}; null, with a warning, when it cannot be read: the weights beside it
         * still show (a run killed while saving leaves a truncated trainer_state.json, a hand-edited config.json
         * may not parse).
         */
        PyValue json(String name) {
            PyValue v;
            try {
                v = JsonTree.read(dir.resolve(name));
            } catch (CheckpointException e) {
                leaveOut(name, e);
                return null;
            }
            parts.add(new CheckpointFolder.Part(name, name.substring(0, name.indexOf('.')), "", "json"));
            return v;
        }

        /** Weights that cannot be read fail the folder, but in a Trainer folder each of its files is a warning. */
        private void unread(String name, CheckpointException e) throws CheckpointException {
            if (!prefixed) {
                throw e;
            }
            leaveOut(name, e);
        }

        /** Warns {@code config.json not read: the file is not valid JSON: …}, leaving out the path it starts with. */
        private void leaveOut(String name, CheckpointException e) {
            String path = dir.resolve(name) + ": ";
            String reason = e.getMessage().startsWith(path) ? e.getMessage().substring(path.length()) : e.getMessage();
            unread.put(name, reason);
            warnings.add(name + " not read: " + reason);
        }

        /** Adds each part's own metadata (safetensors {@code __metadata__}, an optimizer's hyper-parameters). */
        void partMetadata(PyValue.Dict metadata) {
            for (int i = 0; i < opened.size(); i++) {
                PyValue m = opened.get(i).metadata();
                boolean empty = m instanceof PyValue.Dict d && d.size() == 0 || m instanceof PyValue.None;
                if (!empty) {
                    metadata.put(new PyValue.Str(opened.get(i).file().getFileName().toString()), m);
                }
            }
        }

        Checkpoint checkpoint(CheckpointFolder.Kind kind, PyValue config, PyValue metadata) {
            CheckpointFolder folder = new CheckpointFolder(kind, parts, config, Map.of(), unread);
            PyValue tree = prefixed || single == null ? root : single;
            return new Checkpoint(dir, Format.FOLDER, tree, tensors, globals, warnings, metadata, resources, folder);
        }

        void closeAfter(Throwable failure) {
            for (Closeable c : resources) {
                try {
                    c.close();
                } catch (IOException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}
