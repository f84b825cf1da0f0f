package org.ckptinspector;

import java.lang.reflect.Method;
import org.ckptinspector.cli.Cli;

/**
 * Entry point. A command word ({@code inspect}, {@code stats}, …) runs the command line; anything else (no
 * arguments, or file names) starts the desktop app. The app is loaded reflectively so that the command line
 * never loads JavaFX.
 */
public final class Main {
    private static final String NATIVE_REFLECTION = "jdk.reflect.useNativeAccessorOnly";

    private Main() {}

    public static void main(String[] args) throws Exception {
        // Since JDK 18 core reflection spins method-handle classes on first use, also inside FileChannel.map and
        // the JavaFX launcher: on the installed JDK 25 runtime that was the largest part of opening a file at
        // start-up. Native accessors are slower only for calls made thousands of times, which none of ours are.
        if (System.getProperty(NATIVE_REFLECTION) == null) {
            System.setProperty(NATIVE_REFLECTION, "true");
        }
        if (args.length > 0 && Cli.isCommandLine(args[0])) {
            int code = Cli.run(args, System.out, System.err);
            // Success returns: since JDK 21 System.exit first sets up a System.Logger to log the call, a cost
            // every run of the installed (JDK 25) command paid. Every thread the commands start is a daemon.
            if (code != Cli.OK) {
                System.exit(code);
            }
            return;
        }
        Class<?> app = Class.forName("org.ckptinspector.gui.DesktopApp");
        Method launch = app.getMethod("start", String[].class);
        launch.invoke(null, (Object) args);
    }
}
