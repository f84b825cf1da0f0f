package org.ckptinspector.format;

import java.io.IOException;
import java.nio.file.Path;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.container.ZipArchive;
import org.ckptinspector.model.CheckpointException;

/**
 * Tells the zip archives apart by their record names: numpy's {@code .npz} (only {@code .npy} members),
 * torch.export's {@code .pt2} (an {@code archive_format} record in its root folder, or the flat layout of
 * torch < 2.8), a Keras v3 {@code .keras} archive; anything else is left to the torch zip reader.
 */
final class ZipKinds {
    private ZipKinds() {}

    /**
     * The zip kind, or TORCH_ZIP when the names say nothing else (the torch reader then names any problem).
     *
     * @throws CheckpointException for a zip of a recognised format that is not read (Keras)
     */
    static CheckpointOpener.Container of(Path file) throws IOException {
        boolean allNpy = true;
        boolean any = false;
        boolean keras = false;
        try (MappedFile mapped = MappedFile.open(file); ZipArchive zip = ZipArchive.open(mapped, file.toString())) {
            for (String name : zip.names()) {
                any = true;
                int slash = name.indexOf('/');
                String inRoot = slash < 0 ? name : name.substring(slash + 1);
                if (name.toLowerCase(java.util.Locale.ROOT).endsWith("/data.pkl")) { // miniz finds it whatever the case
                    return CheckpointOpener.Container.TORCH_ZIP;
                }
                if (inRoot.equals("archive_format") || name.equals("serialized_exported_program.json")) {
                    return CheckpointOpener.Container.PT2;
                }
                keras |= name.equals("model.weights.h5");
                allNpy &= name.endsWith(".npy");
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            return CheckpointOpener.Container.TORCH_ZIP;
        }
        if (keras) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": not a PyTorch "
                    + "checkpoint: it is a Keras v3 model archive (.keras), which this version does not read");
        }
        return any && allNpy ? CheckpointOpener.Container.NPZ : CheckpointOpener.Container.TORCH_ZIP;
    }
}
