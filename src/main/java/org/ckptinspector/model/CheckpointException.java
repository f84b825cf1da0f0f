package org.ckptinspector.model;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file that cannot be read as a checkpoint. The message is one plain sentence that names the file and
 * the reason; the CLI prints it as is and the GUI shows it in a dialog.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, coarse enough for callers to branch on. */
    public enum Kind { NOT_A_CHECKPOINT, CORRUPT, UNSUPPORTED, LIMIT_EXCEEDED, IO }

    private final Kind kind;

    public CheckpointException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public CheckpointException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static CheckpointException corrupt(Path file, String reason) {
        return new CheckpointException(Kind.CORRUPT, file + ": " + reason);
    }

    public static CheckpointException limit(Path file, String reason) {
        return new CheckpointException(Kind.LIMIT_EXCEEDED, file + ": " + reason);
    }

    /** The values of tensor {@code t} cannot be read, for {@code reason}. */
    public static CheckpointException unsupported(TensorRef t, String reason) {
        return new CheckpointException(Kind.UNSUPPORTED, "tensor " + t.key() + ": " + reason);
    }

    /** A read of {@code what} (a file, or a record inside one) that the operating system refused. */
    public static CheckpointException io(Object what, IOException cause) {
        String reason = cause instanceof NoSuchFileException ? "no such file"
                : "cannot read: " + cause.getMessage();
        return new CheckpointException(Kind.IO, what + ": " + reason, cause);
    }
}
