package org.ckptinspector.export;

import java.io.IOException;

/**
 * An export that cannot be done as asked: nothing selected, colliding output keys, a dtype the format cannot
 * hold, the output would replace the source. The message is one line for the user; nothing has been written.
 */
public final class ExportException extends IOException {
    private static final long serialVersionUID = 1L;

    public ExportException(String message) {
        super(message);
    }

    public ExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
