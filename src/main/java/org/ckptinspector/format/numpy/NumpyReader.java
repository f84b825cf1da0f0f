package org.ckptinspector.format.numpy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.container.NpyHeader;
import org.ckptinspector.container.ZipArchive;
import org.ckptinspector.container.ZipEntry;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.TensorRef;

/**
 * Reads numpy's {@code .npy} (one array, key {@value #ROOT_KEY} as for a bare torch tensor) and {@code .npz} (a zip
 * of {@code .npy} members, stored or deflated; keys are the member names without {@code .npy}, as
 * {@code NpzFile.files} gives them). Object arrays are pickles: they go through the restricted unpickler only, so
 * their globals are listed and their values stay inert, and a warning says they hold no tensor.
 */
public final class NumpyReader {
    /** The key of the array of a {@code .npy} file, as torch names a bare tensor. */
    static final String ROOT_KEY = "tensor";

    private NumpyReader() {}

    public static Checkpoint readNpy(Path file) throws IOException {
        MappedFile mapped = MappedFile.open(file);
        try {
            List<String> warnings = new ArrayList<>();
            List<GlobalRef> globals = new ArrayList<>();
            NpyArray array = NpyArray.read(file, "the array", mapped);
            PyValue root = value(array, "the array", warnings, globals);
            List<TensorRef> tensors = new ArrayList<>();
            if (array instanceof NpyArray.Numeric n) {
                TensorRef t = n.tensor().withLocation(ROOT_KEY, List.of());
                tensors.add(t);
                root = new PyValue.Tensor(t);
            }
            return new Checkpoint(file, Format.NPY, root, tensors, globals, warnings, new PyValue.Dict(),
                    List.of(mapped));
        } catch (IOException | RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    public static Checkpoint readNpz(Path file) throws IOException {
        MappedFile mapped = MappedFile.open(file);
        List<Closeable> resources = new ArrayList<>(List.of(mapped));
        try {
            ZipArchive zip = ZipArchive.open(mapped, file.toString());
            resources.add(zip);
            List<String> warnings = new ArrayList<>();
            List<GlobalRef> globals = new ArrayList<>();
            List<TensorRef> tensors = new ArrayList<>();
            PyValue.Dict root = new PyValue.Dict();
            for (ZipEntry entry : zip.declaredEntries()) {
                if (entry.isDirectory()) {
                    continue;
                }
                String member = entry.name();
                String key = member.endsWith(".npy") ? member.substring(0, member.length() - 4) : member;
                ByteRegion bytes = zip.read(entry);
                String where = "member " + member;
                if (!NpyHeader.sniff(bytes)) {
                    warnings.add(where + " is not an .npy array (np.load returns its raw bytes); it is not read");
                    continue;
                }
                NpyArray array = NpyArray.read(file, where, bytes);
                PyValue v = value(array, where, warnings, globals);
                if (array instanceof NpyArray.Numeric n) {
                    TensorRef t = n.tensor().withLocation(key, List.of(key));
                    tensors.add(t);
                    v = new PyValue.Tensor(t);
                }
                root.put(new PyValue.Str(key), v);
            }
            return new Checkpoint(file, Format.NPZ, root, tensors, globals, warnings, new PyValue.Dict(), resources);
        } catch (IOException | RuntimeException e) {
            for (Closeable c : resources) {
                c.close();
            }
            throw e;
        }
    }

    /** The value an array stands for in the root; records what object and unread arrays are. */
    private static PyValue value(NpyArray array, String where, List<String> warnings, List<GlobalRef> globals) {
        if (array instanceof NpyArray.Pickled p) {
            globals.addAll(p.globals());
            warnings.add(where + " is an object array: a pickle that numpy loads only with allow_pickle=True; "
                    + "its globals are listed, nothing in it is read as a tensor");
            return p.value();
        }
        if (array instanceof NpyArray.Unread u) {
            warnings.add(where + " has " + u.reason() + "; it is not read");
            return PyValue.None.NONE;
        }
        return PyValue.None.NONE;
    }

    /** True when the file starts with the NPY magic. */
    public static boolean sniff(ByteBuffer head) {
        return NpyHeader.sniff(head);
    }
}
