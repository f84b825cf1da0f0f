package org.ckptinspector.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.adapter.AdapterMerge;
import org.ckptinspector.format.CheckpointOpener;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;

/**
 * A PEFT adapter folder laid over the open base checkpoint ({@link AdapterMerge}): the base with the adapter
 * merged, as a checkpoint of its own that Compare and Export read like any other, and what of the adapter could
 * not be matched to the base. The merged checkpoints own the adapter file only: closing them leaves the base open.
 */
public final class AdapterOverlay implements AutoCloseable {
    private final Checkpoint adapterFile;
    private final AdapterMerge merge;

    private AdapterOverlay(Checkpoint adapterFile, AdapterMerge merge) {
        this.adapterFile = adapterFile;
        this.merge = merge;
    }

    /** Opens the adapter folder {@code adapterDir} and matches it to {@code base}. */
    public static AdapterOverlay open(Checkpoint base, Path adapterDir, TaskMonitor monitor) throws IOException {
        monitor.progress(0, 1, "Reading " + adapterDir.getFileName());
        Checkpoint a = CheckpointOpener.open(adapterDir);
        try {
            return new AdapterOverlay(a, AdapterMerge.of(base, a));
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** The adapter folder's name. */
    public String name() {
        Path f = adapterFile.file().getFileName();
        return f == null ? adapterFile.file().toString() : f.toString();
    }

    /** What keeps part of the adapter from being merged: modules the base lacks, shapes that differ, variants. */
    public List<String> problems() {
        return merge.problems();
    }

    /**
     * For Compare: the base with every change that can be computed merged, the rest as in the base, under the
     * adapter folder's name (so the comparison reads "base ↔ adapter"). The unmatched parts are {@link #problems}.
     */
    public Checkpoint mergedForComparison() throws IOException {
        Checkpoint base = merge.base();
        java.util.Map<String, AdapterMerge.Change> byKey = new java.util.HashMap<>();
        merge.changes().forEach(c -> byKey.put(c.key(), c));
        List<TensorRef> tensors = new ArrayList<>();
        for (TensorRef t : base.tensors()) {
            AdapterMerge.Change c = byKey.get(t.key());
            tensors.add(c != null && c.base() == t && merge.computable(c) ? merge.merged(c) : t);
        }
        return new Checkpoint(adapterFile.file(), base.format(), base.root(), tensors, base.globals(),
                base.warnings(), base.metadata(), List.of(adapterFile), base.folder());
    }

    /**
     * For Export: the base with the whole adapter merged, as {@code export --merge-adapter} writes it; refused,
     * with the first problem, when any part cannot be merged.
     */
    public Checkpoint mergedForExport() throws IOException {
        Checkpoint m = merge.mergedCheckpoint();
        return new Checkpoint(m.file(), m.format(), m.root(), m.tensors(), m.globals(), m.warnings(), m.metadata(),
                List.of(adapterFile), m.folder());
    }

    @Override
    public void close() {
        try {
            adapterFile.close();
        } catch (IOException e) {
            // the mapping is released with the process anyway; nothing the user can act on
        }
    }
}
