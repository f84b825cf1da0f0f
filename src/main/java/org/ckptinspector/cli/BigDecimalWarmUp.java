package org.ckptinspector.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Initialises {@link java.math.BigDecimal} on a daemon thread while the command line is parsed, when a JSON header
 * is likely to be read. Since JDK 24 its static initializer computes 5^65536 (JDK-8341470), which a cold JVM
 * interprets for tens of milliseconds, and every JSON parser Jackson makes initialises the class.
 */
final class BigDecimalWarmUp implements Runnable {
    private static final int FIRST_SLOW_JDK = 24;

    private BigDecimalWarmUp() {}

    /**
     * Starts the initialisation on a JDK that needs it when an argument names a safetensors or JSON file or a
     * folder. Only a guess by name, which costs a core for nothing when wrong: readers still go by content.
     */
    static void startFor(String[] args) {
        if (Runtime.version().feature() < FIRST_SLOW_JDK) {
            return;
        }
        for (String arg : args) {
            if (likelyJson(arg)) {
                Thread thread = new Thread(new BigDecimalWarmUp(), "BigDecimal warm-up");
                thread.setDaemon(true);
                thread.start();
                return;
            }
        }
    }

    private static boolean likelyJson(String arg) {
        String name = arg.toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors") || name.endsWith(".json")) {
            return true;
        }
        try {
            return !arg.startsWith("-") && Files.isDirectory(Path.of(arg));
        } catch (InvalidPathException e) {
            return false;  // picocli reports it
        }
    }

    @Override
    public void run() {
        java.math.BigDecimal.ONE.signum();
    }
}
