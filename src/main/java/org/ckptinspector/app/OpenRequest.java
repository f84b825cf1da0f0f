package org.ckptinspector.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ckptinspector.format.folder.FolderReader;
import org.ckptinspector.trajectory.RunFiles;

/**
 * What the user asked to open, however they asked (Open dialog, Open Folder, a drop, the command line): one
 * checkpoint, two to compare, or a run of several for the Timeline. A folder that is not itself a checkpoint
 * is the run of the checkpoints in it.
 */
public sealed interface OpenRequest {
    /** One checkpoint to browse (a file, or a folder that opens as one). */
    record One(Path file) implements OpenRequest {}

    /** Two checkpoints: {@code a} opens and {@code b} becomes its comparison. */
    record Pair(Path a, Path b) implements OpenRequest {}

    /** Several checkpoints of one run, for the Timeline. */
    record Run(List<Path> files) implements OpenRequest {
        public Run {
            files = List.copyOf(files);
        }
    }

    /**
     * One path is one checkpoint, unless it is a plain folder holding two or more; two paths are a comparison;
     * three or more, or folders among several paths, are a run (folders contribute the checkpoints in them).
     */
    static OpenRequest of(List<Path> paths) throws IOException {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("nothing to open");
        }
        boolean folders = paths.stream().anyMatch(OpenRequest::isPlainFolder);
        if (paths.size() == 1) {
            Path p = paths.get(0);
            if (!folders) {
                return new One(p);
            }
            List<Path> files = RunFiles.expand(List.of(p.toString()));
            // a folder with one checkpoint or none opens (or fails to) as the user named it
            return files.size() >= 2 ? new Run(files) : new One(files.size() == 1 ? files.get(0) : p);
        }
        if (paths.size() == 2 && !folders) {
            return new Pair(paths.get(0), paths.get(1));
        }
        return new Run(RunFiles.expand(paths.stream().map(Path::toString).toList()));
    }

    private static boolean isPlainFolder(Path p) {
        return Files.isDirectory(p) && !FolderReader.isCheckpointFolder(p);
    }
}
