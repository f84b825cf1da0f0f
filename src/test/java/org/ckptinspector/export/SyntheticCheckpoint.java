package org.ckptinspector.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/** Builds small in-memory state_dict checkpoints for planner and writer tests. */
final class SyntheticCheckpoint {
    private final Path file;
    private final PyValue.Dict root = new PyValue.Dict("collections.OrderedDict");
    private final List<TensorRef> tensors = new ArrayList<>();
    private int storages;

    SyntheticCheckpoint(Path file) {
        this.file = file;
    }

    /** A float32 tensor of {@code n} elements 0, 1, 2, … in its own storage. */
    SyntheticCheckpoint f32(String key, int n) {
        return add(key, DType.FLOAT32, new long[] {n}, storage(DType.FLOAT32, n));
    }

    /** A tensor of any dtype with zeroed data in its own storage. */
    SyntheticCheckpoint tensor(String key, DType dtype, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return add(key, dtype, shape, storage(dtype, (int) n));
    }

    /** A view {@code [offset, offset + n)} of the storage of an earlier tensor. */
    SyntheticCheckpoint view(String key, String of, long offset, int n) {
        TensorRef base = tensors.stream().filter(t -> t.key().equals(of)).findFirst().orElseThrow();
        TensorRef t = TensorRef.strided(base.dtype(), new long[] {n}, new long[] {1}, offset, base.storage())
                .checked().withLocation(key, List.of(key));
        tensors.add(t);
        root.put(new PyValue.Str(key), new PyValue.Tensor(t));
        return this;
    }

    /** Sets the state_dict's {@code _metadata}: every module gets {@code {'version': 1}}. */
    SyntheticCheckpoint metadata(String... modules) {
        PyValue.Dict m = new PyValue.Dict("collections.OrderedDict");
        for (String module : modules) {
            PyValue.Dict v = new PyValue.Dict();
            v.put(new PyValue.Str("version"), PyValue.Int.of(1));
            m.put(new PyValue.Str(module), v);
        }
        root.setAttribute("_metadata", m);
        return this;
    }

    Checkpoint build() {
        return new Checkpoint(file, Format.TORCH_ZIP, root, tensors, List.of(), List.of(), new PyValue.Dict(),
                List.of());
    }

    private SyntheticCheckpoint add(String key, DType dtype, long[] shape, Storage storage) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= Math.max(1, shape[i]);
        }
        TensorRef t = TensorRef.strided(dtype, shape, stride, 0, storage).checked().withLocation(key, List.of(key));
        tensors.add(t);
        root.put(new PyValue.Str(key), new PyValue.Tensor(t));
        return this;
    }

    private Storage storage(DType dtype, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * dtype.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < n; i++) {
                b.putFloat(i);
            }
        }
        return new Storage(String.valueOf(storages++), dtype, (long) n * dtype.itemSize(), "cpu",
                ByteRegion.of(b.array()), true);
    }
}
