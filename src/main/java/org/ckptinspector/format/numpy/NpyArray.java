package org.ckptinspector.format.numpy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
    /** numpy's {@code _MAX_HEADER_SIZE}. */
    int MAX_HEADER = 10_000;
    byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** A numeric array, as a tensor not yet placed under a key. */
    record Numeric(TensorRef tensor) implements NpyArray {}

    /** An object array: the inert value its pickle describes and the globals it names. */
    record Pickled(PyValue value, List<GlobalRef> globals) implements NpyArray {}

    /** An array of a dtype that is not a number torch has. */
    record Unread(String reason) implements NpyArray {}

    /** True when {@code head} starts with the NPY magic. */
    static boolean sniff(ByteBuffer head) {
        if (head.remaining() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads the array in {@code bytes}; {@code where} names it in messages ({@code file.npz, member w.npy}). */
    static NpyArray read(Path file, String where, ByteRegion bytes) throws IOException {
        long length = bytes.length();
        if (length < 10 || !sniff(bytes.slice(0, 6))) {
            throw CheckpointException.corrupt(file, where + " does not start with the NPY magic");
        }
        ByteBuffer b = bytes.slice(0, (int) Math.min(12, length));
        int major = b.get(6) & 0xFF;
        if (major < 1 || major > 3 || b.get(7) != 0) {
            throw new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": " + where
                    + " has NPY format version " + major + "." + (b.get(7) & 0xFF) + "; versions 1.0 to 3.0 exist");
        }
        long headerLength = major == 1 ? b.getShort(8) & 0xFFFF : length >= 12 ? b.getInt(8) & 0xFFFF_FFFFL : -1;
        long dataStart = (major == 1 ? 10 : 12) + headerLength;
        if (headerLength < 0 || dataStart > length) {
            throw CheckpointException.corrupt(file, where + " has an NPY header longer than the data");
        }
        if (headerLength > MAX_HEADER) {
            throw CheckpointException.limit(file, where + " has an NPY header of " + headerLength
                    + " bytes, beyond numpy's limit of " + MAX_HEADER);
        }
        ByteBuffer h = bytes.slice(dataStart - headerLength, (int) headerLength);
        String text = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).decode(h).toString();
        NpyHeader header;
        try {
            header = NpyHeader.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw CheckpointException.corrupt(file, where + ": " + e.getMessage());
        }
        if (header.descr() == null) {
            return new Unread("a structured dtype (a record of named fields)");
        }
        String descr = header.descr();
        char order = descr.isEmpty() ? '|' : descr.charAt(0);
        String code = "<>|=".indexOf(order) >= 0 ? descr.substring(1) : descr;
        ByteRegion data = bytes.region(dataStart, length - dataStart);
        if (code.equals("O")) {
            RestrictedUnpickler u = new RestrictedUnpickler(where, file + ", " + where, new PythonCalls(), null);
            RestrictedUnpickler.Result r = u.load(data);
            return new Pickled(r.value(), r.globals());
        }
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
