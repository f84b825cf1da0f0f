package org.ckptinspector.trajectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ckptinspector.format.folder.CheckpointFiles;
import org.ckptinspector.format.folder.FolderReader;
import org.ckptinspector.model.CheckpointException;

/**
 * The checkpoint files a run is given as: files, checkpoint folders, a folder (the checkpoints directly in it, by the rule of
 * {@link CheckpointFiles#in}), or a glob such as {@code runs/epoch_*.pt} (matched against the names in its folder).
 */
public final class RunFiles {
    private RunFiles() {}

    /** The files named by {@code args}, each once, in the order given (folders and globs in natural order). */
    public static List<Path> expand(List<String> args) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        for (String arg : args) {
            Path p = Path.of(arg);
            if (FolderReader.isCheckpointFolder(p)) {
                files.add(p);
            } else if (Files.isDirectory(p)) {
                files.addAll(checkpointsIn(p, "*"));
            } else if (!Files.exists(p) && isGlob(arg)) {
                Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
                if (isGlob(dir.toString())) {
                    throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                            arg + ": only the file name may hold wildcards");
                }
                List<Path> matched = checkpointsIn(dir, p.getFileName().toString());
                if (matched.isEmpty()) {
                    throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT,
                            arg + ": no checkpoint file matches");
                }
                files.addAll(matched);
            } else if (!Files.exists(p)) {
                throw new NoSuchFileException(arg);
            } else {
                files.add(p);
            }
        }
        return List.copyOf(files);
    }

    private static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    private static List<Path> checkpointsIn(Path dir, String glob) throws IOException {
        PathMatcher names = dir.getFileSystem().getPathMatcher("glob:" + glob);
        List<Path> found = new ArrayList<>(CheckpointFiles.in(dir, names));
        found.sort(RunOrder.NATURAL);
        return found;
    }
}
