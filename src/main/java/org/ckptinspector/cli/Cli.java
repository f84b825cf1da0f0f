package org.ckptinspector.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.ckptinspector.model.CheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code inspect}, {@code stats}, {@code diff}, {@code export}, {@code scan},
 * {@code trajectory}.
 */
@Command(name = "checkpoint-inspector", mixinStandardHelpOptions = true,
        version = "Checkpoint Inspector " + Cli.VERSION,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Look inside PyTorch checkpoints and safetensors files without running them.")
public final class Cli {
    /**
     * The commands, made on demand: picocli reads a command's annotations (slowly, in a cold JVM) when it is added,
     * and a run needs only the one it names; help needs them all.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("inspect", InspectCommand::new);
        COMMANDS.put("stats", StatsCommand::new);
        COMMANDS.put("diff", DiffCommand::new);
        COMMANDS.put("export", ExportCommand::new);
        COMMANDS.put("scan", ScanCommand::new);
        COMMANDS.put("trajectory", TrajectoryCommand::new);
    }

    /** The release, as --version and the SARIF log name it. */
    static final String VERSION = "0.1.0";

    /** Success; for diff: identical; for scan: safe. */
    public static final int OK = 0;
    /** A finding: diff found differences, scan found unknown or dangerous globals. */
    public static final int FINDING = 1;
    /** Unreadable or corrupt input, or bad usage. */
    public static final int ERROR = 2;

    private Cli() {}

    /** Runs one command and returns its exit code; data goes to {@code out}, diagnostics to {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = new CommandLine(new Cli());
        Supplier<Object> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            cl.addSubcommand(named.get());
        } else {
            COMMANDS.values().forEach(command -> cl.addSubcommand(command.get()));
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        cl.setOut(o)
                .setErr(e)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((ex, cmd, parseResult) -> {
                    cmd.getErr().println(message(ex));
                    return ERROR;
                })
                .setParameterExceptionHandler((ex, args1) -> {
                    ex.getCommandLine().getErr().println("error: " + ex.getMessage());
                    ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                            + " --help' for usage.");
                    return ERROR;
                });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError ex) {
            e.println("error: out of resources (" + ex.getClass().getSimpleName() + ")");
            code = ERROR;
        }
        o.flush();
        e.flush();
        return code;
    }

    /** One line for the user: the message of a CheckpointException, else the exception's kind and message. */
    static String message(Throwable ex) {
        if (ex instanceof CheckpointException c) {
            return "error: " + c.getMessage();
        }
        if (ex instanceof java.nio.file.NoSuchFileException n) {
            return "error: " + n.getFile() + ": no such file";
        }
        if (ex instanceof java.io.IOException io) {
            return "error: " + io.getMessage();
        }
        if (ex instanceof OutOfMemoryError) {
            return "error: out of memory; the input exceeds what this process may use";
        }
        return "error: internal error (" + ex + "); please report it";
    }
}
