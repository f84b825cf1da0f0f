package org.ckptinspector.export;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.task.TaskMonitor;

/**
 * Writes an {@link ExportPlan} safely: into a temporary file beside the output, verified when asked (each range of
 * values compared with the source's as soon as it is written, then the complete file re-opened to check that its
 * reader finds every tensor where its values were compared), then moved into place in one atomic step. On any
 * error or cancellation the temporary file is removed, so the output either appears complete or not at all, and
 * an existing file at that path stays untouched. The output may never be the source (or one of its shards).
 */
public final class Exporter {
    private Exporter() {}

    /** Plans and writes in one call. */
    public static ExportResult export(Checkpoint source, ExportRequest request, Path output, TaskMonitor monitor)
            throws IOException {
        return write(ExportPlanner.plan(source, request), output, monitor);
    }

    public static ExportResult write(ExportPlan plan, Path output, TaskMonitor monitor) throws IOException {
        return write(plan, output, monitor, UnaryOperator.identity());
    }

    /** Writes through {@code writes}, given the temporary file's channel: tests put a failing disk there. */
    static ExportResult write(ExportPlan plan, Path output, TaskMonitor monitor, UnaryOperator<FileChannel> writes)
            throws IOException {
        Path target = output.toAbsolutePath().normalize();
        refuseSource(plan.source(), target);
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new ExportException(output + ": the folder to write into does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new ExportException(output + ": is a directory");
        }
        boolean verify = plan.request().verify();
        boolean pth = plan.request().format() == ExportFormat.PTH;
        long writing = Math.max(1, plan.tensorBytes());
        // after writing: the tensors not compared while writing, and a small share for re-opening the file
        long verifying = verify ? RangeVerifier.leftAfterWriting(plan.items(), pth) + writing / 100 + 1 : 0;
        TaskMonitor writeMonitor = new PhaseMonitor(monitor, 0, writing, writing + verifying);
        long started = System.nanoTime();
        TempFile created = createTemp(dir, target.getFileName().toString());
        Path temp = created.path();
        try {
            int storages;
            RangeVerifier whileWriting;
            try (FileChannel channel = writes.apply(created.channel());
                    FileChannel readBack = verify ? FileChannel.open(temp, StandardOpenOption.READ) : null) {
                whileWriting = verify ? new RangeVerifier(readBack) : null;
                if (pth) {
                    storages = TorchZipExport.write(plan, target, channel, whileWriting, writeMonitor);
                } else {
                    SafetensorsExport.write(plan, channel, whileWriting, writeMonitor);
                    storages = plan.items().size();
                }
            } catch (RangeVerifier.Mismatch e) {
                throw notAsSource(output, List.of(e.problem()));
            }
            Duration writeTime = Duration.ofNanos(System.nanoTime() - started);
            ExportResult.Verification verification = null;
            if (verify) {
                verification = OutputVerifier.verify(plan, temp, whileWriting,
                        new PhaseMonitor(monitor, writing, verifying, writing + verifying));
                if (!verification.ok()) {
                    throw notAsSource(output, verification.mismatches());
                }
            }
            monitor.checkCancelled();
            long size = Files.size(temp);
            moveIntoPlace(temp, target);
            return new ExportResult(target, plan.request().format(), plan.items().size(), storages, size,
                    verification, plan.warnings(), plan.requirements(), writeTime);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    private static ExportException notAsSource(Path output, List<String> mismatches) {
        return new ExportException(output + ": the written file does not read back as the source: "
                + mismatches.get(0) + (mismatches.size() > 1 ? " (and " + (mismatches.size() - 1) + " more)" : ""));
    }

    /** A new temporary file and the channel that writes it. */
    private record TempFile(Path path, FileChannel channel) {}

    /**
     * A new empty file beside the output, created and opened in one step (so nothing can replace it in between).
     * Unlike {@code Files.createTempFile} it gets the default permissions (umask applied), so the output ends up
     * readable like any file the user writes. The name need not be unguessable: creation fails rather than
     * follow or reuse anything already there, and another name is tried.
     */
    private static TempFile createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".partial");
            try {
                return new TempFile(temp, FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new ExportException(target + ": this file system cannot replace files atomically", e);
        }
    }

    /** Refuses an output that is, or would replace, the source file or any file the source has open. */
    static void refuseSource(Checkpoint source, Path target) throws ExportException {
        for (Path p : sourceFiles(source)) {
            if (sameFile(p, target)) {
                throw new ExportException(target + ": is the source file"
                        + (p.equals(source.file()) ? "" : " (" + p.getFileName() + ")") + "; choose another output");
            }
        }
    }

    private static List<Path> sourceFiles(Checkpoint source) {
        List<Path> files = new ArrayList<>();
        files.add(source.file());
        for (Closeable c : source.resources()) {
            if (c instanceof MappedFile m) {
                files.add(m.path());
            } else if (c instanceof Checkpoint shard) {
                files.addAll(sourceFiles(shard));
            }
        }
        return files;
    }

    private static boolean sameFile(Path source, Path target) {
        try {
            if (!Files.exists(target)) {
                return false;
            }
            return source.toRealPath().equals(target.toRealPath()) || Files.isSameFile(source, target);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // When we cannot tell, compare the names: better to refuse than to risk the source.
            return source.toAbsolutePath().normalize().equals(target);
        }
    }

    private static void deleteQuietly(Path temp, Throwable cause) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }
}
