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
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.pickle.RestrictedUnpickler;

/**
 * Reads the zip format {@code torch.save} writes since torch 1.6 (docs/checkpoint-formats.md §2): unpickles
 * {@code data.pkl} and binds each storage to its {@code data/<key>} record without reading tensor data. A
 * {@code byteorder} record of "big" makes storages byte-swapped on read. A missing storage record leaves its tensors
 * unreadable with a warning. A TorchScript archive ({@code torch.jit.save}) is opened through its {@code data.pkl} with
 * a warning.
 */
public final class TorchZipReader {
    private TorchZipReader() {}

    public static Checkpoint read(Path file) throws IOException {
        return TorchCheckpoints.readMapped(file, (mapped, resources) -> read(file, mapped, resources));
    }

    /**
     * Reads a {@code torch.save} archive that lies inside a larger file (an item of a DCP {@code .distcp} file) as
     * a checkpoint of its own; closing it closes only what reading the item opened, not {@code file}'s mapping.
     */
    public static Checkpoint readEmbedded(Path file, ByteRegion archive) throws IOException {
        List<Closeable> resources = new ArrayList<>();
        try {
            return read(file, archive, resources);
        } catch (IOException | RuntimeException | Error e) {
            TorchCheckpoints.closeQuietly(resources, e);
            throw e;
        }
    }

    /**
     * The interpreter of torch's pickled helpers ({@code torch.Size}, the layout helper, tensor rebuilds) for
     * pickles that are not inside a torch.save archive, such as a DCP {@code .metadata}.
     */
    public static RestrictedUnpickler.Calls torchCalls(List<String> warnings) {
        return new PythonCalls().orElse(new TorchCalls(warnings));
    }

    private static Checkpoint read(Path file, ByteRegion archive, List<Closeable> resources) throws IOException {
        ZipRecords zip = ZipRecords.open(file, archive);
        resources.add(zip);
        List<String> warnings = new ArrayList<>();
        if (zip.listed("constants.pkl")) {
            warnings.add("TorchScript archive (torch.jit.save), not a torch.save checkpoint: showing the "
                    + "tensors of its pickled module; its code is not run");
        }
        checkRecords(zip, warnings);
        boolean bigEndian = byteOrder(file, zip, warnings);
        ByteRegion pickle = zip.region("data.pkl");
        if (pickle == null) {
            throw new CheckpointException(CheckpointException.Kind.NOT_A_CHECKPOINT, file + ": a zip archive "
                    + "without a data.pkl record (looked up case-insensitively, as torch does), not a torch "
                    + "checkpoint");
        }
        StorageTable storages = new StorageTable(new StorageTable.Records() {
            @Override
            public ByteRegion find(String key) throws CheckpointException {
                return zip.region("data/" + key);
            }

            @Override
            public String describe(String key) {
                return "record " + zip.name("data/" + key);
            }
        }, bigEndian, warnings);
        RestrictedUnpickler.Result r = TorchCheckpoints.unpickle(file, zip.name("data.pkl"), pickle, storages,
                warnings);
        return TorchCheckpoints.assemble(file, Format.TORCH_ZIP, r.value(), r.globals(), warnings, resources);
    }

    private static void checkRecords(ZipRecords zip, List<String> warnings) throws CheckpointException {
        if (!zip.has("version") && !zip.has(".data/version")) {
            warnings.add("the archive has no version record; torch refuses to load it");
        }
        if (!zip.duplicates().isEmpty()) {
            warnings.add("the archive has several records named " + zip.duplicates().get(0)
                    + (zip.duplicates().size() > 1 ? " (and " + (zip.duplicates().size() - 1) + " more names)" : "")
                    + " (names match case-insensitively); the one torch reads is shown (scan the file)");
        }
        if (zip.undeclared() > 0) {
            warnings.add("the archive's directory has " + zip.undeclared() + " more entries than its end record "
                    + "declares; torch ignores them, other zip readers do not (scan the file)");
        }
        List<String> outside = zip.outsideRoot();
        if (!outside.isEmpty()) {
            warnings.add("the archive has records outside its folder '" + zip.root() + "/' (" + outside.get(0)
                    + (outside.size() > 1 ? " and " + (outside.size() - 1) + " more" : "")
                    + "); torch refuses to load it");
        }
    }

    /** True when the {@code byteorder} record says "big"; a missing record means little-endian, as in torch. */
    private static boolean byteOrder(Path file, ZipRecords zip, List<String> warnings) throws CheckpointException {
        String order = zip.text("byteorder");
        order = order == null ? null : order.strip();
        if (order == null || order.equals("little")) {
            return false;
        }
        if (order.equals("big")) {
            return true;
        }
        warnings.add("the byteorder record says '" + abbreviate(order) + "', neither 'little' nor 'big'; "
                + "reading the storages as little-endian");
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }
}
