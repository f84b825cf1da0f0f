package org.ckptinspector.format.numpy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ckptinspector.container.NpyHeader;
import org.ckptinspector.format.torch.ByteSwappedRegion;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.GlobalRef;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;
import org.ckptinspector.pickle.PythonCalls;
import org.ckptinspector.pickle.RestrictedUnpickler;

/**
 * One {@code .npy} payload (a file, or a member of an {@code .npz}), llm-formats.md §5.1: a numeric array becomes a
 * tensor over its bytes; an object array's pickle is only run through the restricted unpickler, which names its
 * globals and builds inert values; other dtypes (strings, dates, structured) are reported, not read.
 */
sealed interface NpyArray {
    /** A numeric array, as a tensor not yet placed under a key. */
    record Numeric(TensorRef tensor) implements NpyArray {}

    /** An object array: the inert value its pickle describes and the globals it names. */
    record Pickled(PyValue value, List<GlobalRef> globals) implements NpyArray {}

    /** An array of a dtype that is not a number torch has. */
    record Unread(String reason) implements NpyArray {}

    /** Reads the array in {@code bytes}; {@code where} names it in messages ({@code file.npz, member w.npy}). */
    static NpyArray read(Path file, String where, ByteRegion bytes) throws IOException {
        NpyHeader header;
        try {
            header = NpyHeader.read(bytes);
        } catch (NpyHeader.Invalid e) {
            String message = where + " " + e.getMessage();
            throw switch (e.problem()) {
                case UNSUPPORTED ->
                        new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": " + message);
                case LIMIT -> CheckpointException.limit(file, message);
                default -> CheckpointException.corrupt(file, message);
            };
        }
        long length = bytes.length();
        long dataStart = header.dataStart();
        ByteRegion data = bytes.region(dataStart, length - dataStart);
        if (header.mayHoldObjects()) {
            RestrictedUnpickler u = new RestrictedUnpickler(where, file + ", " + where, new PythonCalls(), null);
            RestrictedUnpickler.Result r = u.load(data);
            return new Pickled(r.value(), r.globals());
        }
        if (header.typeString() == null) {
            return new Unread("a structured dtype (a record of named fields)");
        }
        String descr = header.typeString();
        char order = descr.isEmpty() ? '|' : descr.charAt(0);
        String code = "<>|=".indexOf(order) >= 0 ? descr.substring(1) : descr;
        DType dtype = DType.fromNumpyCode(code).orElse(null);
        if (dtype == null) {
            return new Unread("numpy dtype '" + descr + "', which is not a number type torch has");
        }
        long numel = 1;
        try {
            for (long d : header.shape()) {
                numel = Math.multiplyExact(numel, d);
            }
            long need = Math.multiplyExact(numel, (long) dtype.itemSize());
            if (need > data.length()) {
                throw CheckpointException.corrupt(file, where + " holds " + data.length() + " bytes of data but its "
                        + "shape and dtype need " + need + "; it may be truncated");
            }
            data = data.region(0, need);
        } catch (ArithmeticException e) {
            throw CheckpointException.limit(file, where + " has a shape whose size overflows");
        }
        if (order == '>' && dtype.itemSize() > 1) {
            data = new ByteSwappedRegion(data, dtype.kind() == DType.Kind.COMPLEX ? dtype.itemSize() / 2
                    : dtype.itemSize());
        }
        long[] shape = header.shape();
        long[] stride = header.fortranOrder() ? reversed(TensorRef.contiguousStrides(reversed(shape)))
                : TensorRef.contiguousStrides(shape);
        Storage storage = new Storage(where, dtype, data.length(), "", data, false);
        return new Numeric(TensorRef.strided(dtype, shape, stride, 0, storage).checked());
    }

    private static long[] reversed(long[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }
}
