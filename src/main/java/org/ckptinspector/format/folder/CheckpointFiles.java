package org.ckptinspector.format.folder;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which entries of a folder are checkpoints, one rule for every command and the app: files named as torch.load,
 * safetensors and numpy are commonly handed ({@link #isCheckpointName}), and folders that open as one checkpoint
 * ({@link FolderReader#isCheckpointFolder}: DCP, HF model, PEFT adapter, Trainer checkpoint). Shard indexes are
 * left out, since their shards are found too; named explicitly they are read as one checkpoint.
 */
public final class CheckpointFiles {
    private static final Set<String> EXTENSIONS = Set.of(
            "pt", "pth", "bin", "ckpt", "pkl", "pickle", "joblib", "safetensors", "tar", "pt2", "npy", "npz");
    /** A DCP folder's pickled metadata file. */
    private static final String DCP_METADATA = ".metadata";

    private CheckpointFiles() {}

    /** True for a file name a folder search picks up. */
    public static boolean isCheckpointName(String name) {
        if (name.equals(DCP_METADATA)) {
            return true;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * The checkpoints directly in {@code dir} whose names match {@code names}: checkpoint files, and sub-folders
     * that open as one checkpoint; in name order. A DCP folder itself is one checkpoint, not a folder of them.
     */
    public static List<Path> in(Path dir, PathMatcher names) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (!names.matches(p.getFileName())) {
                    continue;
                }
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) ? isCheckpointName(name) && !name.equals(DCP_METADATA)
                        : FolderReader.isCheckpointFolder(p)) {
                    found.add(p);
                }
            }
        }
        found.sort(null);
        return found;
    }

    /**
     * The checkpoints anywhere under {@code dir}, in path order: checkpoint files, and DCP folders (found by their
     * {@code .metadata}). Links are followed; an entry that cannot be read is listed, so that reading it fails
     * again and is reported as that file's error.
     *
     * @throws IOException when there is none: nothing searched must not read as "nothing found"
     */
    public static List<Path> search(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        // Links are followed: a Hugging Face cache's snapshot folders are links to its blobs.
        Set<FileVisitOption> followLinks = EnumSet.of(FileVisitOption.FOLLOW_LINKS);
        Files.walkFileTree(dir, followLinks, Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && isCheckpointName(file.getFileName().toString())) {
                    found.add(file.getFileName().toString().equals(DCP_METADATA) ? file.getParent() : file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                if (!(exc instanceof FileSystemLoopException)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        if (found.isEmpty()) {
            throw new IOException(dir + ": no checkpoint files in this folder (names searched for: "
                    + namesSearched() + ")");
        }
        found.sort(null);
        return found;
    }

    /** The names a search looks for, for messages. */
    public static String namesSearched() {
        return String.join(", ", EXTENSIONS.stream().sorted().map(e -> "*." + e).toList()) + ", " + DCP_METADATA;
    }
}
