package org.ckptinspector.gui;

import javafx.application.Application;

/** Starts the JavaFX desktop app with optional files to open: the first, and a second to compare with. */
public final class DesktopApp {
    private DesktopApp() {}

    /** Called reflectively by {@code org.ckptinspector.Main}; returns when the window closes. */
    public static void start(String[] files) {
        Application.launch(InspectorApp.class, files);
    }
}
