package org.ckptinspector;

import java.lang.reflect.Method;
import java.util.Set;
import org.ckptinspector.cli.Cli;

/**
 * Entry point. A command word ({@code inspect}, {@code stats}, …) runs the command line; anything else (no
 * arguments, or file names) starts the desktop app. The app is loaded reflectively so that the command line
 * never loads JavaFX.
 */
public final class Main {
    private static final Set<String> CLI_WORDS = Set.of(
            "inspect", "stats", "diff", "export", "scan", "trajectory", "help", "--help", "-h", "--version", "-V");

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && CLI_WORDS.contains(args[0])) {
            System.exit(Cli.run(args, System.out, System.err));
        }
        Class<?> app = Class.forName("org.ckptinspector.gui.DesktopApp");
        Method launch = app.getMethod("start", String[].class);
        launch.invoke(null, (Object) args);
    }
}
