package org.ckptinspector.cli;

/**
 * Initialises {@link java.math.BigDecimal} on a daemon thread while the command line is parsed. Since JDK 24 its
 * static initializer computes 5^65536 (JDK-8341470), which a cold JVM interprets for tens of milliseconds, and
 * every JSON parser Jackson makes initialises the class: a safetensors header would otherwise wait for it.
 */
final class BigDecimalWarmUp implements Runnable {
    private static final int FIRST_SLOW_JDK = 24;

    private BigDecimalWarmUp() {}

    /** Starts the initialisation on a JDK that needs it; returns at once. */
    static void start() {
        if (Runtime.version().feature() >= FIRST_SLOW_JDK) {
            Thread thread = new Thread(new BigDecimalWarmUp(), "BigDecimal warm-up");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public void run() {
        java.math.BigDecimal.ONE.signum();
    }
}
