package org.ckptinspector.model;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An opened checkpoint: the object tree, its tensors in file order, the globals its pickles name and what was
 * wrong but did not stop it from opening. Holds the open file mappings until closed; tensors stay readable
 * as long as the checkpoint is open.
 *
 * @param root the file's root object (a state_dict, a Lightning dict, a module object, a bare tensor…)
 * @param tensors every tensor reachable from the root, in file order, with keys and paths set
 * @param metadata the non-tensor values worth showing (epoch, hyper-parameters, safetensors {@code __metadata__})
 * @param folder what the folder holds when the checkpoint was opened from a folder, else null
 */
public record Checkpoint(
        Path file,
        Format format,
        PyValue root,
        List<TensorRef> tensors,
        List<GlobalRef> globals,
        List<String> warnings,
        PyValue metadata,
        List<Closeable> resources,
        CheckpointFolder folder) implements Closeable {

    public Checkpoint {
        tensors = List.copyOf(tensors);
        globals = List.copyOf(globals);
        warnings = List.copyOf(warnings);
        resources = List.copyOf(resources);
    }

    /** A checkpoint read from a single file. */
    public Checkpoint(Path file, Format format, PyValue root, List<TensorRef> tensors, List<GlobalRef> globals,
            List<String> warnings, PyValue metadata, List<Closeable> resources) {
        this(file, format, root, tensors, globals, warnings, metadata, resources, null);
    }

    /** What the folder holds, when the checkpoint was opened from a folder. */
    public Optional<CheckpointFolder> folderRef() {
        return Optional.ofNullable(folder);
    }

    /** The tensor with this key, if any. */
    public Optional<TensorRef> tensor(String key) {
        return tensors.stream().filter(t -> t.key().equals(key)).findFirst();
    }

    /** Tensors by key; the first wins where a key repeats. */
    public Map<String, TensorRef> tensorsByKey() {
        Map<String, TensorRef> m = new LinkedHashMap<>();
        for (TensorRef t : tensors) {
            m.putIfAbsent(t.key(), t);
        }
        return m;
    }

    /** Distinct {@code module.name} of every global, in first-seen order. */
    public List<String> globalNames() {
        List<String> names = new ArrayList<>();
        for (GlobalRef g : globals) {
            if (!names.contains(g.qualifiedName())) {
                names.add(g.qualifiedName());
            }
        }
        return names;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Closeable c : resources) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
