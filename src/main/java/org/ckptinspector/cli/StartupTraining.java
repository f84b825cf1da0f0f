package org.ckptinspector.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training runs of the installed command's ahead-of-time caches (packaging/linux/aot-cache.sh): the commands
 * a user runs, in one process, on small files, so that the JVM records the classes they load and link. Not a
 * command of the tool: the packaging runs it with
 * {@code java -XX:AOTCacheOutput=… -cp JAR org.ckptinspector.cli.StartupTraining SAMPLE.ckpt WORK_DIR [inspect]}.
 * Every command trains the cache most commands start with; {@code inspect} trains the one {@code inspect} starts
 * with, on the files the first training exported into the same folder: a cache holding only what a command
 * loads starts that command sooner, as the JVM loads every class of a cache at start.
 */
public final class StartupTraining {
    private StartupTraining() {}

    public static void main(String[] args) throws IOException {
        boolean inspectOnly = args.length == 3 && args[2].equals("inspect");
        if (args.length != 2 && !inspectOnly) {
            System.err.println("usage: StartupTraining SAMPLE_CHECKPOINT WORK_DIR [inspect]");
            System.exit(Cli.ERROR);
        }
        String sample = args[0];
        Path work = Files.createDirectories(Path.of(args[1]));
        String pth = work.resolve("part.pth").toString();
        String st = work.resolve("part.safetensors").toString();
        if (inspectOnly && !(Files.exists(Path.of(pth)) && Files.exists(Path.of(st)))) {
            System.err.println("the inspect training reads " + pth + " and " + st + ", which the training of every "
                    + "command writes: run that first, in the same folder");
            System.exit(Cli.ERROR);
        }
        List<String[]> runs = new ArrayList<>();
        runs.add(new String[] {"--version"});
        runs.add(new String[] {"inspect", sample});
        runs.add(new String[] {"inspect", sample, "--json", "--hash"});
        if (!inspectOnly) {
            runs.add(new String[] {"stats", sample, "--json"});
            runs.add(new String[] {"scan", sample, "--json"});
            runs.add(new String[] {"export", sample, pth, "--root", "state_dict", "--include", "h\\.0\\."});
            runs.add(new String[] {"export", sample, st, "--root", "state_dict", "--dtype", "bfloat16"});
        }
        runs.add(new String[] {"inspect", st, "--json"});
        runs.add(new String[] {"inspect", st, pth, "--json"});
        if (!inspectOnly) {
            runs.add(new String[] {"diff", sample, pth});
            // Values that differ (float32 against bfloat16): the comparison's own paths, which equal values skip.
            runs.add(new String[] {"diff", pth, st});
            runs.add(new String[] {"trajectory", pth, st, "--json"});
            runs.add(new String[] {"export", "--help"});
        }
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), false, "UTF-8");
        // The entry point too, which the installed command starts from (by name: cli does not depend on it).
        try {
            Class.forName("org.ckptinspector.Main");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        for (String[] run : runs) {
            Cli.isCommandLine(run[0]);
            if (run[0].equals("export") && run.length > 2) {
                Files.deleteIfExists(Path.of(run[2]));  // export never replaces a file
            }
            int code = Cli.run(run, discard, discard);
            if (code > Cli.FINDING) {
                System.err.println("training run failed (exit code " + code + "): " + String.join(" ", run));
                System.exit(code);
            }
        }
    }
}
