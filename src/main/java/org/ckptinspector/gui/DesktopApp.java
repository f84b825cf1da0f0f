package org.ckptinspector.gui;

import java.util.logging.Filter;
import java.util.logging.Logger;
import javafx.application.Application;

/** Starts the JavaFX desktop app with optional files to open: the first, and a second to compare with. */
public final class DesktopApp {
    /**
     * JavaFX's own logger, held here so that its filter stays: LogManager keeps loggers only weakly. The filter drops
     * the warning JavaFX prints at every start when it runs from the class path, as this app's single jar and its
     * installers run it ("Unsupported JavaFX configuration: classes were loaded from 'unnamed module'"); it says
     * nothing a user can act on. Everything else JavaFX logs, to this logger or its children, still shows.
     */
    private static final Logger JAVAFX = Logger.getLogger("javafx");
    private static final Filter NOT_THE_CLASS_PATH_WARNING =
            r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration");

    private DesktopApp() {}

    /** Called reflectively by {@code org.ckptinspector.Main}; returns when the window closes. */
    public static void start(String[] files) {
        quietClassPathWarning();
        Application.launch(InspectorApp.class, files);
    }

    static void quietClassPathWarning() {
        JAVAFX.setFilter(NOT_THE_CLASS_PATH_WARNING);
    }
}
