package org.ckptinspector.format.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.MappedFile;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.model.DType;
import org.ckptinspector.model.Format;
import org.ckptinspector.model.PyValue;
import org.ckptinspector.model.Storage;
import org.ckptinspector.model.TensorRef;

/**
 * Reads a GGUF file (versions 2 and 3, llama.cpp's format; docs/llm-formats.md §1): the header's key/values as
 * metadata (arrays longer than {@value #SHOWN_ITEMS} items summarised) and the tensor infos as tensors in torch
 * order (GGUF's {@code ne} reversed), over the mapped data section. Only the header is read at open; values are read on
 * demand. F32/F16/BF16/F64 and the integer types are plain dtypes; quantized tensors keep their GGML block type as
 * dtype. The rules of gguf.cpp are applied: magic, version, counts that fit the file, unique non-empty keys and tensor
 * names, known value and tensor types, at most 4 dimensions, rows of whole blocks, a power-of-two
 * {@code general.alignment}, and tensor data aligned, inside the file and not overlapping.
 */
public final class GgufReader {
    /** Arrays up to this length are shown whole; longer ones as their type, length and first items. */
    static final int SHOWN_ITEMS = 16;
    /** The README's limit on tensor paths per file. */
    static final int MAX_TENSORS = 500_000;
    private static final int MAGIC = 0x46554747;
    private static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    private static final int MAX_NESTING = 8;
    private static final String[] VALUE_TYPES = {"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32",
        "bool", "string", "array", "uint64", "int64", "float64"};

    private GgufReader() {}

    /** True when the file starts with GGUF's magic. */
    public static boolean sniff(ByteBuffer head) {
        return head.remaining() >= 4 && head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(0) == MAGIC;
    }

    public static Checkpoint read(Path file) throws IOException {
        MappedFile mapped = MappedFile.open(file);
        try {
            return parse(file, mapped);
        } catch (IOException | RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private record Info(String name, long[] ne, DType dtype, long offset, long bytes) {}

    private static Checkpoint parse(Path file, MappedFile mapped) throws IOException {
        GgufCursor in = new GgufCursor(file, mapped, 0);
        if (in.remaining() < 24 || in.i32() != MAGIC) {
            throw CheckpointException.corrupt(file, "too short for a GGUF header");
        }
        int version = in.i32();
        if ((version & 0xFFFF) == 0) {
            throw unsupported(file, "a big-endian GGUF file (version " + Integer.reverseBytes(version)
                    + " byte-swapped), which this version does not read");
        }
        if (version == 1) {
            throw unsupported(file, "GGUF version 1 (2023), which neither gguf-py nor llama.cpp reads any more");
        }
        if (version < 1 || version > 3) {
            throw unsupported(file, "GGUF version " + Integer.toUnsignedString(version) + "; versions 2 and 3 are "
                    + "supported");
        }
        long tensorCount = in.count("tensor count", 24);
        long kvCount = in.count("key/value count", 13);
        if (tensorCount > MAX_TENSORS) {
            throw CheckpointException.limit(file, "the GGUF header declares " + tensorCount + " tensors, more than "
                    + "the limit of " + MAX_TENSORS);
        }
        PyValue.Dict metadata = new PyValue.Dict();
        metadata.put(new PyValue.Str("gguf.version"), PyValue.Int.of(version));
        Set<String> keys = new HashSet<>();
        long alignment = DEFAULT_ALIGNMENT;
        for (long k = 0; k < kvCount; k++) {
            String key = in.string("key");
            if (key.isEmpty() || !keys.add(key)) {
                throw CheckpointException.corrupt(file, key.isEmpty() ? "a GGUF key is empty"
                        : "GGUF key '" + key + "' appears twice");
            }
            int type = in.i32();
            if (key.equals("general.alignment")) {
                if (type != 4) {
                    throw CheckpointException.corrupt(file, "general.alignment has type " + typeName(type)
                            + " instead of uint32");
                }
                alignment = in.i32() & 0xFFFF_FFFFL;
                if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
                    throw CheckpointException.corrupt(file, "general.alignment " + alignment
                            + " is not a power of two");
                }
                metadata.put(new PyValue.Str(key), PyValue.Int.of(alignment));
                continue;
            }
            metadata.put(new PyValue.Str(key), value(file, in, type, key, 0));
        }
        List<Info> infos = new ArrayList<>((int) tensorCount);
        Set<String> names = new HashSet<>();
        for (long t = 0; t < tensorCount; t++) {
            Info info = info(file, in);
            if (!names.add(info.name())) {
                throw CheckpointException.corrupt(file, "tensor '" + info.name() + "' appears twice");
            }
            infos.add(info);
        }
        long dataStart = tensorCount == 0 ? in.position()
                : (in.position() + alignment - 1) / alignment * alignment;
        checkData(file, infos, dataStart, alignment, mapped.length());
        List<TensorRef> tensors = new ArrayList<>(infos.size());
        PyValue.Dict root = new PyValue.Dict();
        Set<String> undecoded = new TreeSet<>();
        for (Info info : infos) {
            long[] shape = reversed(info.ne());
            ByteRegion region = mapped.region(dataStart + info.offset(), info.bytes());
            Storage storage = new Storage(info.name(), info.dtype(), info.bytes(), "", region, false);
            TensorRef ref = TensorRef.strided(info.dtype(), shape, TensorRef.contiguousStrides(shape), 0, storage)
                    .withLocation(info.name(), List.of(info.name())).checked();
            tensors.add(ref);
            root.put(new PyValue.Str(info.name()), new PyValue.Tensor(ref));
            if (!info.dtype().isDecoded()) {
                undecoded.add(info.dtype().torchName());
            }
        }
        List<String> warnings = new ArrayList<>();
        if (!undecoded.isEmpty()) {
            warnings.add("tensors of GGML type " + String.join(", ", undecoded) + " are listed with their size, "
                    + "but their values are not decoded by this version");
        }
        return new Checkpoint(file, Format.GGUF, root, tensors, List.of(), warnings, metadata, List.of(mapped));
    }

    private static Info info(Path file, GgufCursor in) throws IOException {
        String name = in.string("tensor name");
        int dims = in.i32();
        if (dims < 0 || dims > MAX_DIMS) {
            throw CheckpointException.corrupt(file, "tensor '" + name + "' has " + Integer.toUnsignedString(dims)
                    + " dimensions; GGUF allows at most " + MAX_DIMS);
        }
        long[] ne = new long[dims];
        for (int d = 0; d < dims; d++) {
            ne[d] = in.i64();
            if (ne[d] < 0) {
                throw CheckpointException.corrupt(file, "tensor '" + name + "' has a negative dimension");
            }
        }
        int typeId = in.i32();
        DType dtype = GgmlTypes.of(typeId).orElseThrow(() -> new CheckpointException(
                CheckpointException.Kind.UNSUPPORTED, file + ": tensor '" + name + "' has GGML type id "
                        + Integer.toUnsignedString(typeId) + ", which this version does not know"));
        long offset = in.i64();
        int block = dtype.blockSize();
        if (dims > 0 && ne[0] % block != 0) {
            throw CheckpointException.corrupt(file, "tensor '" + name + "' has rows of " + ne[0] + " values, not "
                    + "whole " + dtype + " blocks of " + block);
        }
        long bytes;
        try {
            long count = 1;
            for (long n : ne) {
                count = Math.multiplyExact(count, n);
            }
            bytes = Math.multiplyExact(count / block, (long) dtype.itemSize());
        } catch (ArithmeticException e) {
            throw CheckpointException.limit(file, "tensor '" + name + "' has a shape whose size overflows");
        }
        return new Info(name, ne, dtype, offset, bytes);
    }

    /** Tensor data must be aligned, inside the file and must not overlap (gguf.cpp requires them packed in order). */
    private static void checkData(Path file, List<Info> infos, long dataStart, long alignment, long length)
            throws CheckpointException {
        List<Info> byOffset = new ArrayList<>(infos);
        byOffset.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        long end = 0;
        for (Info i : byOffset) {
            if (i.offset() < 0 || i.offset() % alignment != 0) {
                throw CheckpointException.corrupt(file, "tensor '" + i.name() + "' has data offset "
                        + Long.toUnsignedString(i.offset()) + ", not a multiple of the alignment " + alignment);
            }
            if (i.offset() < end) {
                throw CheckpointException.corrupt(file, "the data of tensor '" + i.name() + "' overlaps the tensor "
                        + "before it");
            }
            if (dataStart > length || i.offset() > length - dataStart || i.bytes() > length - dataStart - i.offset()) {
                throw CheckpointException.corrupt(file, "the data of tensor '" + i.name() + "' (" + i.bytes()
                        + " bytes at offset " + i.offset() + " of the data section) reach past the end of the file; "
                        + "it may be truncated");
            }
            end = i.offset() + i.bytes();
        }
    }

    private static PyValue value(Path file, GgufCursor in, int type, String key, int depth) throws IOException {
        return switch (type) {
            case 0 -> PyValue.Int.of(in.u8());
            case 1 -> PyValue.Int.of((byte) in.u8());
            case 2 -> PyValue.Int.of(in.i16() & 0xFFFF);
            case 3 -> PyValue.Int.of(in.i16());
            case 4 -> PyValue.Int.of(in.i32() & 0xFFFF_FFFFL);
            case 5 -> PyValue.Int.of(in.i32());
            case 6 -> new PyValue.Float(in.f32());
            case 7 -> new PyValue.Bool(in.u8() != 0);
            case 8 -> new PyValue.Str(in.string("value of " + key));
            case 9 -> array(file, in, key, depth);
            case 10 -> new PyValue.Int(new java.math.BigInteger(Long.toUnsignedString(in.i64())));
            case 11 -> PyValue.Int.of(in.i64());
            case 12 -> new PyValue.Float(in.f64());
            default -> throw CheckpointException.corrupt(file, "GGUF key '" + key + "' has unknown value type "
                    + Integer.toUnsignedString(type));
        };
    }

    /** An array: whole when short, else a summary of its element type, length and first items. */
    private static PyValue array(Path file, GgufCursor in, String key, int depth) throws IOException {
        if (depth >= MAX_NESTING) {
            throw CheckpointException.limit(file, "GGUF key '" + key + "' nests arrays more than " + MAX_NESTING
                    + " deep");
        }
        int type = in.i32();
        long n = in.count("array length of " + key, fixedSize(type) > 0 ? fixedSize(type) : 1);
        if (n > GgufCursor.MAX_STRING) {
            throw CheckpointException.limit(file, "GGUF key '" + key + "' has " + n + " array elements");
        }
        List<PyValue> items = new ArrayList<>();
        int fixed = fixedSize(type);
        for (long i = 0; i < n; i++) {
            if (i >= SHOWN_ITEMS && n > SHOWN_ITEMS && fixed > 0) {
                in.skip((n - i) * fixed);
                break;
            }
            PyValue v = value(file, in, type, key, depth + 1);
            if (i < SHOWN_ITEMS) {
                items.add(v);
            }
        }
        if (n <= SHOWN_ITEMS) {
            return new PyValue.PyList(items);
        }
        StringJoiner first = new StringJoiner(", ", "[", ", …]");
        for (PyValue v : items.subList(0, 3)) {
            first.add(v instanceof PyValue.Str s ? "'" + abbreviate(s.value()) + "'" : text(v));
        }
        return new PyValue.Str("array of " + n + " " + typeName(type) + " " + first);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static String text(PyValue v) {
        if (v instanceof PyValue.Int i) {
            return i.value().toString();
        }
        if (v instanceof PyValue.Float f) {
            return Double.toString(f.value());
        }
        if (v instanceof PyValue.Bool b) {
            return b.value() ? "true" : "false";
        }
        return v instanceof PyValue.PyList l ? "[" + l.items().size() + " items]" : v.typeName();
    }

    private static int fixedSize(int type) {
        return switch (type) {
            case 0, 1, 7 -> 1;
            case 2, 3 -> 2;
            case 4, 5, 6 -> 4;
            case 10, 11, 12 -> 8;
            default -> 0;
        };
    }

    private static String typeName(int type) {
        return type >= 0 && type < VALUE_TYPES.length ? VALUE_TYPES[type] : "type " + Integer.toUnsignedString(type);
    }

    private static long[] reversed(long[] ne) {
        long[] shape = new long[ne.length];
        for (int i = 0; i < ne.length; i++) {
            shape[i] = ne[ne.length - 1 - i];
        }
        return shape;
    }

    private static CheckpointException unsupported(Path file, String what) {
        return new CheckpointException(CheckpointException.Kind.UNSUPPORTED, file + ": " + what);
    }
}
