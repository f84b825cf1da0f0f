package org.ckptinspector.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ckptinspector.format.folder.CheckpointFiles;
import org.ckptinspector.format.folder.FolderReader;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.TaskMonitor;

/**
 * The files of a command that accepts {@code FILE... | DIR}: folders are searched recursively for checkpoint
 * files, and the per-file work runs in parallel on the available cores while its results are handed back in
 * argument order, so the output is the same whatever finishes first. A run over many files pays the start-up once.
 */
final class CheckpointBatch {
    /** Per-file work; it reports its own failures in its result. */
    @FunctionalInterface
    interface Work<R> {
        R run(Path file);
    }

    /** What one file's command printed, for commands whose per-file output is text. */
    record Printed(int code, String out, String err) {
        void printTo(PrintWriter o, PrintWriter e) {
            o.print(out);
            o.flush();
            e.print(err);
            e.flush();
        }
    }

    /** A command body that prints one file's report. */
    @FunctionalInterface
    interface Command {
        int run(Path file, PrintWriter out, PrintWriter err) throws Exception;
    }

    private final List<Path> files;
    private final boolean many;

    private CheckpointBatch(List<Path> files, boolean many) {
        this.files = List.copyOf(files);
        this.many = many;
    }

    /**
     * The files named by command-line arguments: files and checkpoint folders ({@link FolderReader}) as given,
     * other folders searched recursively ({@link CheckpointFiles#search}).
     */
    static CheckpointBatch of(List<Path> arguments) throws IOException {
        List<Path> files = new ArrayList<>();
        boolean folder = false;
        for (Path a : arguments) {
            if (FolderReader.isCheckpointFolder(a)) {
                files.add(a);
            } else if (Files.isDirectory(a)) {
                folder = true;
                files.addAll(CheckpointFiles.search(a));
            } else {
                files.add(a);
            }
        }
        return new CheckpointBatch(files, folder || arguments.size() > 1);
    }

    /** The files, in output order. */
    List<Path> files() {
        return files;
    }

    /** False for one FILE argument, which prints exactly what a single-file command always printed. */
    boolean isMany() {
        return many;
    }

    /**
     * Runs {@code work} on every file, at most one file per core at a time (a file's own parallel work then runs
     * on its thread), and hands each result to {@code emit} on the calling thread in file order. Files are taken
     * twice as many as cores at a time, so memory stays bounded however many files there are.
     */
    <R> void run(Work<R> work, Consumer<R> emit) throws IOException {
        int threads = Math.max(1, Math.min(files.size(), Runtime.getRuntime().availableProcessors()));
        for (int from = 0; from < files.size(); from += 2 * threads) {
            List<ParallelUnits.Task<R>> window = new ArrayList<>();
            for (Path file : files.subList(from, Math.min(files.size(), from + 2 * threads))) {
                window.add(() -> work.run(file));
            }
            ParallelUnits.map(window, threads, TaskMonitor.NONE).forEach(emit);
        }
    }

    /**
     * Runs a text command on every file: one file prints straight to the terminal as it always did; many files
     * each print into a buffer that is copied out in order. Returns the worst exit code.
     */
    int runPrinting(Command command, boolean jsonLines, PrintWriter out, PrintWriter err) throws Exception {
        if (!many) {
            return command.run(files.get(0), out, err);
        }
        int[] worst = {Cli.OK};
        run(file -> printed(command, file, jsonLines), p -> {
            p.printTo(out, err);
            worst[0] = Math.max(worst[0], p.code());
        });
        return worst[0];
    }

    /** Runs one file into buffers; a failure is its message on stderr and, in JSON lines, a {file, error} line. */
    private static Printed printed(Command command, Path file, boolean jsonLines) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code;
        try (PrintWriter out = new PrintWriter(o); PrintWriter err = new PrintWriter(e)) {
            try {
                code = command.run(file, out, err);
            } catch (Exception | OutOfMemoryError | StackOverflowError ex) {
                String message = failure(file, ex);
                err.println(message);
                if (jsonLines) {
                    errorLine(out, file, message.substring("error: ".length()));
                }
                code = Cli.ERROR;
            }
        }
        return new Printed(code, o.toString(), e.toString());
    }

    /** The JSON line {@code {"file", "error"}} of a file whose work failed. */
    private static void errorLine(PrintWriter out, Path file, String error) {
        try {
            JsonOutput.line(out, json -> {
                json.writeStartObject();
                json.writeStringField("file", file.toString());
                json.writeStringField("error", error);
                json.writeEndObject();
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The one-line message for a file whose work failed, naming the file when the message does not. */
    static String failure(Path file, Throwable ex) {
        String message = ex instanceof OutOfMemoryError || ex instanceof StackOverflowError
                ? "error: out of resources (" + ex.getClass().getSimpleName() + ")" : Cli.message(ex);
        return message.contains(file.toString()) ? message
                : "error: " + file + ": " + message.substring("error: ".length());
    }
}
