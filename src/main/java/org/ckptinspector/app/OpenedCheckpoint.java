package org.ckptinspector.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ckptinspector.app.LayerNode;
import org.ckptinspector.app.LayerTreeBuilder;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointFolder;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.security.CheckpointGlobals;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.training.TrainingState;

/**
 * A checkpoint open in the app with what the views need from it: its layer tree, which tensors share a storage,
 * a PEFT adapter's facts and module rows (empty for other files; its tree is then the adapter's,
 * {@link AdapterRows}) and its training state (model parameters, optimizers named by
 * parameter). Built off the FX thread; the checkpoint stays open (mapped) until {@link #close()}.
 */
public record OpenedCheckpoint(Checkpoint checkpoint, LayerNode tree, Map<String, List<TensorRef>> storageUsers,
        List<String> globals, List<Fact> adapterFacts, TrainingState training, AdapterRows adapterRows) {

    /** Opens {@code file}; a PEFT adapter's weights file opens as its folder, so that the adapter's config is read. */
    public static OpenedCheckpoint open(Path file, TaskMonitor monitor) throws IOException {
        monitor.progress(0, 4, "Opening " + file.getFileName());
        return of(CheckpointOpener.open(adapterFolderOf(file)), monitor);
    }

    /** The folder of {@code adapter_model.safetensors} / {@code .bin} beside {@code adapter_config.json}, else the file. */
    static Path adapterFolderOf(Path file) {
        Path name = file.getFileName();
        Path dir = file.toAbsolutePath().getParent();
        boolean weights = name != null && (name.toString().equals("adapter_model.safetensors")
                || name.toString().equals("adapter_model.bin"));
        return weights && dir != null && Files.isRegularFile(dir.resolve(CheckpointFolder.ADAPTER_CONFIG)) ? dir : file;
    }

    /** The document of an opened (or computed) checkpoint, which it then owns: closed on failure too. */
    public static OpenedCheckpoint of(Checkpoint c, TaskMonitor monitor) throws IOException {
        try {
            monitor.checkCancelled();
            monitor.progress(1, 4, "Building the layer tree");
            TrainingState training = TrainingState.of(c);
            LayerNode tree = LayerTreeBuilder.build(c, training, monitor);
            monitor.progress(2, 4, "Indexing storages");
            Map<String, List<TensorRef>> users = new HashMap<>();
            for (TensorRef t : c.tensors()) {
                Storage s = t.storage();
                if (s != null && s.shareable()) {
                    users.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(t);
                }
            }
            monitor.progress(3, 4, "Scanning every pickle for globals");
            List<String> globals = CheckpointGlobals.names(c);
            // An adapter's ‖ΔW‖ reads every factor: done here, off the FX thread.
            var summary = org.ckptinspector.adapter.AdapterSummary.of(c);
            List<Fact> adapter = summary.map(AdapterFacts::of).orElse(List.of());
            AdapterRows rows = summary.map(s -> AdapterRows.rebuild(tree, s, c.tensors(), training::isParameter))
                    .orElse(AdapterRows.NONE);
            monitor.progress(4, 4, "Done");
            return new OpenedCheckpoint(c, tree, users, globals, adapter, training, rows);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public Path file() {
        return checkpoint.file();
    }

    /**
     * Each opening is a document of its own (with its own mapping of the file), so documents are equal only
     * to themselves. A record's equality would compare whole checkpoints, tensor by tensor, each time the
     * window's open document changes; and reopening a file would then look like no change at all.
     */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /** The other tensors viewing {@code t}'s storage; none for a tensor of another file. */
    public List<TensorRef> sharing(TensorRef t) {
        if (t.storage() == null || !t.storage().shareable()) {
            return List.of();
        }
        List<TensorRef> users = storageUsers.getOrDefault(t.storage().key(), List.of());
        if (users.stream().noneMatch(o -> o == t)) {
            return List.of();
        }
        return users.stream().filter(o -> o != t).toList();
    }

    public void close() {
        try {
            checkpoint.close();
        } catch (IOException e) {
            // the mapping is released with the process anyway; nothing the user can act on
        }
    }
}
