package org.ckptinspector.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportRequest;
import org.ckptinspector.export.Exporter;
import org.ckptinspector.export.Selection;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;
import org.ckptinspector.training.TrainingState;

/**
 * The one-click exports of a training checkpoint: a slim {@code .pth} that {@code torch.load(weights_only=True)}
 * reads, written by the ordinary export. Tensors only: epoch, args and other plain values are not kept.
 */
public enum SlimExport {
    /** The model's state_dict (parameters and buffers), under its own keys ({@code fc1.weight}). */
    MODEL_WEIGHTS("Model weights only", "weights"),
    /** Every tensor but the optimizers' state, under the file's keys. */
    WITHOUT_OPTIMIZER("Everything except optimizer state", "no-optimizer");

    private final String title;
    private final String suffix;

    SlimExport(String title, String suffix) {
        this.title = title;
        this.suffix = suffix;
    }

    /** The button's text. */
    public String title() {
        return title;
    }

    /** Why this export does not apply to the file, or empty when it does. */
    public Optional<String> unavailable(Checkpoint c, TrainingState s) {
        if (s.optimizers().isEmpty() && (this == WITHOUT_OPTIMIZER || s.modelKey() == null)) {
            return Optional.of("the file holds no optimizer state");
        }
        if (keys(c, s).isEmpty()) {
            return Optional.of("nothing would be left to export");
        }
        return Optional.empty();
    }

    /** The tensors (by key) this export writes. */
    public Set<String> keys(Checkpoint c, TrainingState s) {
        Set<String> out = new LinkedHashSet<>();
        for (TensorRef t : c.tensors()) {
            boolean optimizer = s.optimizers().stream().anyMatch(o -> under(t.key(), o.key()));
            boolean chosen = this == WITHOUT_OPTIMIZER ? !optimizer
                    : !optimizer && (s.modelKey() == null || under(t.key(), s.modelKey()));
            if (chosen) {
                out.add(t.key());
            }
        }
        return out;
    }

    /** The export request: the model's entry as the root for model weights, the optimizers excluded otherwise. */
    public ExportRequest request(Checkpoint c, TrainingState s) {
        Selection sel;
        if (this == MODEL_WEIGHTS) {
            sel = Selection.all().withRoot(s.modelKey() == null ? "" : s.modelKey());
            if (s.modelKey() == null) {
                sel = sel.withKeys(keys(c, s));
            }
        } else {
            List<Pattern> optimizers = s.optimizers().stream()
                    .map(o -> Pattern.compile("^" + Pattern.quote(o.key() + "."))).toList();
            sel = Selection.all().withExclude(optimizers);
        }
        return ExportRequest.of(sel, ExportFormat.PTH);
    }

    /** Writes this export of {@code source} to {@code out}, verified like every export; the outcome in words. */
    public String write(OpenedCheckpoint source, Path out, int threads, TaskMonitor monitor) throws IOException {
        ExportRequest r = request(source.checkpoint(), source.training()).withThreads(threads);
        return ExportOutcome.summary(Exporter.export(source.checkpoint(), r, out, monitor));
    }

    /** Where the export goes by default: beside the source, {@code adamw-weights.pth}. */
    public Path suggestedOutput(Path source) {
        Path name = source.getFileName();
        String stem = name == null ? "checkpoint" : name.toString();
        int dot = stem.lastIndexOf('.');
        if (dot > 0) {
            stem = stem.substring(0, dot);
        }
        Path dir = source.toAbsolutePath().getParent();
        String file = stem + "-" + suffix + ".pth";
        return dir == null ? Path.of(file) : dir.resolve(file);
    }

    private static boolean under(String key, String prefix) {
        return prefix.isEmpty() || key.startsWith(prefix + ".");
    }
}
