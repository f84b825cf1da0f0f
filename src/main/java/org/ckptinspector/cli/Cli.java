package org.ckptinspector.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.ckptinspector.model.CheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line: {@code inspect}, {@code stats}, {@code diff}, {@code export}, {@code scan},
 * {@code trajectory}.
 */
public final class Cli {
    /**
     * The commands, each made only when run: a run needs only the one it names; help needs them all. The
     * constructors are called in a switch, not through method references, whose bootstrap would load every
     * command's class at start-up.
     */
    private enum Word {
        INSPECT, STATS, DIFF, EXPORT, SCAN, TRAJECTORY;

        static Word of(String text) {
            for (Word w : values()) {
                if (w.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return w;
                }
            }
            return null;
        }

        CommandSpec command() {
            return switch (this) {
                case INSPECT -> new InspectCommand().spec;
                case STATS -> new StatsCommand().spec;
                case DIFF -> new DiffCommand().spec;
                case EXPORT -> new ExportCommand().spec;
                case SCAN -> new ScanCommand().spec;
                case TRAJECTORY -> new TrajectoryCommand().spec;
            };
        }
    }

    /** The release, as --version and the SARIF log name it. */
    static final String VERSION = "0.1.0";
    /** What {@code --version} prints. */
    static final String VERSION_LINE = "Checkpoint Inspector " + VERSION;
    /** Words that ask for the version: they need no command at all. */
    private static final Set<String> VERSION_WORDS = Set.of("--version", "-V");
    /** Words that ask for help: it lists every command. */
    private static final Set<String> HELP_WORDS = Set.of("help", "--help", "-h");

    /** Success; for diff: identical; for scan: safe. */
    public static final int OK = 0;
    /** A finding: diff found differences, scan found unknown or dangerous globals. */
    public static final int FINDING = 1;
    /** Unreadable or corrupt input, or bad usage. */
    public static final int ERROR = 2;

    private Cli() {}

    /** True when {@code firstArgument} asks for the command line: a command word, help or the version. */
    public static boolean isCommandLine(String firstArgument) {
        return Word.of(firstArgument) != null || VERSION_WORDS.contains(firstArgument) || HELP_WORDS.contains(firstArgument);
    }

    /** Runs one command and returns its exit code; data goes to {@code out}, diagnostics to {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        if (args.length == 1 && VERSION_WORDS.contains(args[0])) {
            // What picocli's version option prints, without building a command model to print it.
            o.println(VERSION_LINE);
            o.flush();
            return OK;
        }
        BigDecimalWarmUp.startFor(args);
        // No option takes a java.sql or java.time value: picocli need not look up their classes by reflection to
        // offer converters for them, which is a noticeable part of a short command's start.
        System.setProperty("picocli.converters.excludes", "java\\.(sql|time)\\..*");
        CommandSpec root = CommandModel.command(new Cli(), "checkpoint-inspector",
                "Look inside PyTorch checkpoints and safetensors files without running them.")
                .version(VERSION_LINE).scopeType(CommandLine.ScopeType.INHERIT);
        CommandLine cl = new CommandLine(root);
        Word named = args.length > 0 ? Word.of(args[0]) : null;
        if (named != null) {
            cl.addSubcommand(named.command());
        } else if (args.length == 0 || !VERSION_WORDS.contains(args[0])) {
            for (Word w : Word.values()) {
                cl.addSubcommand(w.command());
            }
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        cl.registerConverter(Path.class, new FileName());
        // No help text uses picocli's ${…} variables; without them it does not rescan every name and description.
        cl.setInterpolateVariables(false)
                .setOut(o)
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

    /**
     * A file or folder argument. An empty one is refused: as a path it would name the working directory, which
     * {@code inspect "$UNSET"} would then search through.
     */
    private static final class FileName implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isEmpty()) {
                throw new CommandLine.TypeConversionException("an empty file name (an unset shell variable?)");
            }
            return Path.of(value);
        }
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
