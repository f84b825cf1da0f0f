package org.ckptinspector.gui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Only JavaFX's class-path warning is kept from the terminal; its other messages still show. */
class DesktopAppTest {
    @Test
    void onlyTheClassPathWarningIsDropped() {
        DesktopApp.quietClassPathWarning();
        Filter filter = Logger.getLogger("javafx").getFilter();
        assertFalse(filter.isLoggable(new LogRecord(Level.WARNING,
                "Unsupported JavaFX configuration: classes were loaded from 'unnamed module @55d35d18'")));
        assertTrue(filter.isLoggable(new LogRecord(Level.WARNING, "Could not load the stylesheet app.css")));
        assertTrue(filter.isLoggable(new LogRecord(Level.SEVERE, null)));
    }
}
