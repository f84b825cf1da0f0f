package org.ckptinspector.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;

/**
 * File › Compare With Adapter Folder… and Export Merged With Adapter…, without a toolkit: an adapter folder is
 * laid over the open base ({@link AdapterOverlay}) in the background; Compare then shows the base against the
 * merged weights (the changed tensors, their Update verdicts and Δ statistics) and warns of the adapter modules
 * the base has no tensor for; Export opens the export dialog on the merged weights, as
 * {@code export --merge-adapter} writes them.
 */
public final class AdapterCommands {
    /** What the window shows of these commands; called on the window's thread. */
    public interface View {
        /** Parts of the adapter that could not be laid over the base (one line each): a warning, not an error. */
        void showUnmatched(String title, List<String> problems);

        /** The export dialog on the merged weights, titled {@code title}; {@code closed} to call once it closes. */
        void showExport(String title, ExportModel export, Runnable closed);

        void showError(String title, Throwable error);
    }

    private final WindowModel<?> window;
    private final TaskRunner runner;
    private final View view;

    public AdapterCommands(WindowModel<?> window, TaskRunner runner, View view) {
        this.window = window;
        this.runner = runner;
        this.view = view;
    }

    /** The merged weights opened as B, with what could not be merged. */
    private record Laid(OpenedCheckpoint merged, List<String> problems, String name) {}

    /** Compares the open base with itself plus the adapter in {@code adapterDir}. */
    public void compareWith(Path adapterDir) {
        OpenedCheckpoint base = window.primary();
        if (base == null) {
            return;
        }
        runner.run("Laying " + adapterDir.getFileName() + " over " + base.file().getFileName(),
                m -> overlaid(base, adapterDir, m, o -> new Laid(OpenedCheckpoint.of(o.mergedForComparison(), m),
                        o.problems(), o.name())), laid -> {
            if (window.primary() != base) {
                laid.merged().close();
                return;
            }
            window.setComparison(laid.merged());
            if (!laid.problems().isEmpty()) {
                view.showUnmatched(unmatchedTitle(laid.name(), base, laid.problems().size()), laid.problems());
            }
        }, error -> view.showError("Cannot compare with " + adapterDir.getFileName(), error), () -> { });
    }

    /** Opens the export dialog on the open base with the adapter in {@code adapterDir} merged. */
    public void exportMerged(Path adapterDir) {
        OpenedCheckpoint base = window.primary();
        if (base == null) {
            return;
        }
        runner.run("Merging " + adapterDir.getFileName() + " into " + base.file().getFileName(),
                m -> overlaid(base, adapterDir, m, o -> new Merged(o.mergedForExport(), o.name())), merged -> {
            Checkpoint c = merged.checkpoint();
            if (window.primary() != base) {
                close(c);
                return;
            }
            List<String> keys = c.tensors().stream().map(TensorRef::key).distinct().toList();
            ExportModel export = new ExportModel(c, keys, runner);
            export.setOutput(mergedOutput(base.file(), merged.name()));
            view.showExport("Export " + base.file().getFileName() + " with " + merged.name() + " merged", export,
                    () -> close(c));
        }, error -> view.showError("Cannot merge " + adapterDir.getFileName() + " into "
                + base.file().getFileName(), error), () -> { });
    }

    private record Merged(Checkpoint checkpoint, String name) {}

    /** What {@code then} makes of the adapter laid over the base, which then owns the adapter; closed on failure. */
    private interface Use<T> {
        T apply(AdapterOverlay o) throws IOException;
    }

    private static <T> T overlaid(OpenedCheckpoint base, Path adapterDir, org.ckptinspector.task.TaskMonitor m,
            Use<T> then) throws IOException {
        AdapterOverlay o = AdapterOverlay.open(base.checkpoint(), adapterDir, m);
        try {
            return then.apply(o);
        } catch (IOException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /**
     * Where the merged weights go unless the user says otherwise: beside the base, named after both, in the base's
     * format ({@code llama-base-lora-pattern-merged.safetensors}; a folder's weights as safetensors).
     */
    static Path mergedOutput(Path base, String adapter) {
        Path dir = base.toAbsolutePath().getParent();
        String name = base.getFileName().toString();
        ExportFormat f = ExportFormat.fromFileName(base).orElse(ExportFormat.SAFETENSORS);
        int dot = name.indexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return dir.resolve(stem + "-" + adapter + "-merged." + (f == ExportFormat.SAFETENSORS ? "safetensors" : "pth"));
    }

    static String unmatchedTitle(String adapter, OpenedCheckpoint base, int n) {
        return n + (n == 1 ? " part" : " parts") + " of " + adapter + " could not be laid over "
                + base.file().getFileName() + " and are left out of the comparison";
    }

    private static void close(Checkpoint c) {
        try {
            c.close();
        } catch (IOException e) {
            // released with the process anyway
        }
    }
}
