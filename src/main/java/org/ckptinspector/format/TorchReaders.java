package org.ckptinspector.format;

import java.io.IOException;
import java.nio.file.Path;
import org.ckptinspector.format.torch.TorchLegacyReader;
import org.ckptinspector.format.torch.TorchTarReader;
import org.ckptinspector.format.torch.TorchZipReader;
import org.ckptinspector.model.Checkpoint;

/** Entry points of the torch.save readers (zip, legacy stream, tar). */
final class TorchReaders {
    private TorchReaders() {}

    static Checkpoint zip(Path file) throws IOException {
        return TorchZipReader.read(file);
    }

    static Checkpoint legacy(Path file) throws IOException {
        return TorchLegacyReader.read(file);
    }

    static Checkpoint tar(Path file) throws IOException {
        return TorchTarReader.read(file);
    }
}
