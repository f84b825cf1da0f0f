package org.ckptinspector.format.torch;

import java.io.IOException;
import java.nio.file.Path;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;

/** Placeholder until the tar reader lands. */
public final class TorchTarReader {
    private TorchTarReader() {}

    public static Checkpoint read(Path file) throws IOException {
        throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": tar reader pending");
    }
}
