package org.ckptinspector.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ckptinspector.export.ExportFormat;
import org.ckptinspector.export.ExportRequest;
import org.ckptinspector.export.Exporter;
import org.ckptinspector.export.Selection;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.task.TaskMonitor;

/**
 * Tree rows dragged out of the app as a new checkpoint file: the tensors at or below them (keys unchanged, in
 * the source's order), a file name after the module path, written and verified like any export.
 *
 * @param name the file name without its extension
 */
public record DragExtraction(Checkpoint source, List<String> keys, String name, ExportFormat format,
        long tensorBytes) {

    public DragExtraction {
        keys = List.copyOf(keys);
    }

    /** The ids of the formats rows can be dragged out as ({@code pth} first). */
    public static List<String> formatIds() {
        return List.of(ExportFormat.values()).stream().map(ExportFormat::id).toList();
    }

    /** The extraction of {@code nodes} in the format whose id is {@code formatId} ({@code .pth} when unknown). */
    public static Optional<DragExtraction> of(Checkpoint source, List<LayerNode> nodes, String formatId) {
        return of(source, nodes, ExportFormat.fromId(formatId).orElse(ExportFormat.PTH));
    }

    /** The extraction of {@code nodes}; empty when they hold no tensor. */
    public static Optional<DragExtraction> of(Checkpoint source, List<LayerNode> nodes, ExportFormat format) {
        Set<String> chosen = new LinkedHashSet<>();
        nodes.forEach(n -> n.tensorsBelow().forEach(t -> chosen.add(t.key())));
        List<TensorRef> tensors = source.tensors().stream().filter(t -> chosen.contains(t.key())).toList();
        if (tensors.isEmpty()) {
            return Optional.empty();
        }
        List<String> keys = tensors.stream().map(TensorRef::key).distinct().toList();
        long bytes = tensors.stream().mapToLong(TensorRef::nbytes).sum();
        return Optional.of(new DragExtraction(source, keys, name(source, nodes, keys), format, bytes));
    }

    /** One row: its path; several: the module they share, else the source's name. */
    private static String name(Checkpoint source, List<LayerNode> nodes, List<String> keys) {
        String prefix = nodes.size() == 1 ? nodes.get(0).key() : commonModule(keys);
        if (prefix.isEmpty()) {
            String file = String.valueOf(source.file().getFileName());
            int dot = file.lastIndexOf('.');
            prefix = (dot > 0 ? file.substring(0, dot) : file) + (nodes.size() == 1 ? "" : "-selection");
        }
        // a key may hold characters no file system takes in a name
        return prefix.replaceAll("[/\\\\:*?\"<>|\\p{Cntrl}]", "_");
    }

    private static String commonModule(List<String> keys) {
        String common = keys.get(0);
        for (String k : keys) {
            while (!(k.equals(common) || k.startsWith(common + "."))) {
                int dot = common.lastIndexOf('.');
                if (dot < 0) {
                    return "";
                }
                common = common.substring(0, dot);
            }
        }
        return keys.size() > 1 ? common : common.contains(".") ? common.substring(0, common.lastIndexOf('.'))
                : common;
    }

    /** The name of the file it writes. */
    public String fileName() {
        return name + "." + format.id();
    }

    /** Writes {@link #fileName()} into {@code dir}, verified; the file appears only once it is whole. */
    public void write(Path dir, int threads, TaskMonitor monitor) throws IOException {
        ExportRequest request = ExportRequest.of(Selection.all().withKeys(new LinkedHashSet<>(keys)), format)
                .withThreads(threads);
        Exporter.export(source, request, dir.resolve(fileName()), monitor);
    }
}
