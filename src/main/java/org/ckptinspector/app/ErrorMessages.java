package org.ckptinspector.app;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.ckptinspector.model.CheckpointException;

/** Turns a failure into one or two plain sentences for a dialog; never a stack trace. */
public final class ErrorMessages {
    private ErrorMessages() {}

    public static String of(Throwable t) {
        if (t instanceof CheckpointException c) {
            return c.getMessage();
        }
        if (t instanceof NoSuchFileException n) {
            return n.getFile() + ": no such file.";
        }
        if (t instanceof AccessDeniedException a) {
            return a.getFile() + ": permission denied.";
        }
        if (t instanceof java.io.IOException io) {
            return io.getMessage() == null ? "A file could not be read or written." : io.getMessage();
        }
        if (t instanceof OutOfMemoryError) {
            return "The app ran out of memory. Start it with a larger heap (java -Xmx8g -jar …) and try again.";
        }
        if (t instanceof java.util.regex.PatternSyntaxException p) {
            return "Invalid regular expression: " + p.getDescription() + ".";
        }
        if (t instanceof IllegalArgumentException i && i.getMessage() != null) {
            return i.getMessage();
        }
        return "Something unexpected went wrong (" + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()) + "). Please report it.";
    }
}
