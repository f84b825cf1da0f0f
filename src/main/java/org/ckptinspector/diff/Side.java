package org.ckptinspector.diff;

import java.io.IOException;
import java.nio.file.Path;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.TensorRef;

/** A tensor and the file it lives in, so that a read error can name the file. */
record Side(Path file, TensorRef tensor) {

    /** Work on this side's data that may fail with an I/O error. */
    @FunctionalInterface
    interface Read<T> {
        T run() throws IOException;
    }

    /** A read error already attributed to a file; passes unchanged through the other side's wrapping. */
    static final class FileError extends CheckpointException {
        private static final long serialVersionUID = 1L;

        FileError(Kind kind, String message, Throwable cause) {
            super(kind, message, cause);
        }
    }

    /** Runs {@code read}, turning an I/O failure into an error that names this side's file and tensor. */
    <T> T reading(Read<T> read) throws CheckpointException {
        try {
            return read.run();
        } catch (FileError e) {
            throw e;
        } catch (IOException | IndexOutOfBoundsException e) {
            CheckpointException.Kind kind = e instanceof CheckpointException c ? c.kind()
                    : CheckpointException.Kind.IO;
            throw new FileError(kind, file + ": cannot read tensor " + tensor.key() + ": " + e.getMessage(), e);
        }
    }
}
