package org.ckptinspector.gui;

/** Starts the JavaFX desktop app with optional files to open. */
public final class DesktopApp {
    private DesktopApp() {}

    public static void start(String[] files) {
        System.err.println("The desktop app is not built yet; use a command such as 'inspect FILE'.");
    }
}
