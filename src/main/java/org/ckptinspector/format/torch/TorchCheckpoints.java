package org.ckptinspector.format.torch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.pickle.RestrictedUnpickler;

/** What the three torch readers share: unpickling an object pickle, and turning its value into a checkpoint. */
final class TorchCheckpoints {
    private TorchCheckpoints() {}

    /** Unpickles with the standard-library and torch interpreters; warnings of both go to {@code warnings}. */
    static RestrictedUnpickler.Result unpickle(Path file, String record, ByteRegion pickle,
            RestrictedUnpickler.PersistentLoader loader, List<String> warnings) throws CheckpointException {
        RestrictedUnpickler u = new RestrictedUnpickler(record, file + ", " + record,
                TorchZipReader.torchCalls(warnings), loader);
        return u.load(pickle);
    }

    /** Places the tensors, extracts the metadata and builds the checkpoint that owns {@code resources}. */
    static Checkpoint assemble(Path file, Format format, PyValue root, List<GlobalRef> globals,
            List<String> warnings, List<Closeable> resources) throws CheckpointException {
        List<TensorRef> tensors = TensorPlacement.place(file, root);
        PyValue metadata = CheckpointMetadata.of(root, warnings);
        return new Checkpoint(file, format, root, tensors, globals, warnings, metadata, resources);
    }

    /** A reader's work on a mapped file; whatever it adds to {@code resources} the checkpoint closes. */
    interface MappedRead {
        Checkpoint read(MappedFile mapped, List<Closeable> resources) throws IOException;
    }

    /** Maps {@code file} and runs {@code read}; on failure everything opened so far is closed again. */
    static Checkpoint readMapped(Path file, MappedRead read) throws IOException {
        MappedFile mapped = MappedFile.open(file);
        List<Closeable> resources = new ArrayList<>(List.of(mapped));
        try {
            return read.read(mapped, resources);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(resources, e);
            throw e;
        }
    }

    /** Closes what a failed open leaves open, keeping the original failure. */
    static void closeQuietly(List<Closeable> resources, Throwable failure) {
        for (Closeable c : resources) {
            try {
                c.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
