package org.ckptinspector.format;

import java.io.IOException;
import java.nio.file.Path;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;

/** Entry points of the torch.save readers (zip, legacy stream, tar). */
final class TorchReaders {
    private TorchReaders() {}

    static Checkpoint zip(Path file) throws IOException {
        throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": torch zip reader pending");
    }

    static Checkpoint legacy(Path file) throws IOException {
        throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": legacy reader pending");
    }

    static Checkpoint tar(Path file) throws IOException {
        throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": tar reader pending");
    }
}
