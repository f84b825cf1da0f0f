package org.ckptinspector.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A tensor as a checkpoint describes it: where it is (key and path), what it is (dtype, shape, stride, offset)
 * and which storage holds its bytes. Holds no tensor data.
 *
 * @param key the state_dict-style name ({@code fc1.weight}); empty until the reader has placed the tensor
 * @param path dict keys (String) and list indices (Integer) from the file's root object to the tensor
 * @param storageOffset offset into the storage, in elements of {@link #dtype()}
 * @param storage the storage, or null for meta tensors and sparse tensors (whose data are in components)
 * @param components parts of a sparse tensor ({@code indices}, {@code values}, {@code crow_indices}, …), in order
 * @param quantization scale and zero point of a quantized tensor, the scale partner of a scaled float8 weight, or null
 * @param flags requires_grad, conjugate and negative bits, parameter
 * @param pythonType the class for tensor subclasses ({@code __main__.TaggedTensor}), or null
 * @param problems what is wrong with this tensor (a view past its storage), empty when it is sound
 */
public record TensorRef(
        String key,
        List<Object> path,
        DType dtype,
        long[] shape,
        long[] stride,
        long storageOffset,
        Storage storage,
        Layout layout,
        Map<String, TensorRef> components,
        Quantization quantization,
        Set<Flag> flags,
        String pythonType,
        List<String> problems) {

    /** Bits torch keeps beside the data. */
    public enum Flag { REQUIRES_GRAD, PARAMETER, CONJ, NEG }

    public TensorRef {
        Objects.requireNonNull(key);
        Objects.requireNonNull(dtype);
        Objects.requireNonNull(layout);
        path = List.copyOf(path);
        shape = shape.clone();
        stride = stride.clone();
        components = components == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(components));
        flags = flags == null ? Set.of() : Set.copyOf(flags);
        problems = List.copyOf(problems);
    }

    /** A dense tensor with no flags or problems yet; the extent check is added by {@link #checked()}. */
    public static TensorRef strided(DType dtype, long[] shape, long[] stride, long storageOffset, Storage storage) {
        return new TensorRef("", List.of(), dtype, shape, stride, storageOffset, storage, Layout.STRIDED,
                Map.of(), null, Set.of(), null, List.of());
    }

    /** Row-major (C order) strides for {@code shape}, in elements; size-0 and size-1 dims count as 1. */
    public static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = s;
            s = multiplySaturated(s, Math.max(1, shape[i]));
        }
        return stride;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public long strideAt(int i) {
        return stride[i];
    }

    /** Number of elements (1 for a 0-dim tensor); saturates at Long.MAX_VALUE for hostile shapes. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            if (d == 0) {
                return 0;
            }
            n = multiplySaturated(n, d);
        }
        return n;
    }

    /** Bytes the tensor's own elements take when contiguous (packed sub-byte dtypes rounded up to whole bytes). */
    public long nbytes() {
        return dtype.bytesFor(numel());
    }

    public Optional<Storage> storageRef() {
        return Optional.ofNullable(storage);
    }

    public Optional<Quantization> quantizationRef() {
        return Optional.ofNullable(quantization);
    }

    public boolean has(Flag f) {
        return flags.contains(f);
    }

    /** True when element i of the row-major order is at storageOffset + i. */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return shape[i] == 0 || numel() == 0;
            }
            expected = multiplySaturated(expected, shape[i]);
        }
        return true;
    }

    /**
     * Storage elements this view needs: 0 for an empty tensor, else offset + Σ (size_i − 1)·stride_i + 1.
     * Saturates on overflow so that a hostile header reads as "too large", never as a small number.
     */
    public long requiredStorageElements() {
        if (numel() == 0) {
            return 0;
        }
        long extent = storageOffset;
        for (int i = 0; i < shape.length; i++) {
            extent = addSaturated(extent, multiplySaturated(shape[i] - 1, stride[i]));
        }
        return addSaturated(extent, 1);
    }

    /** Whether the tensor's bytes can be read: a strided tensor with a present storage and no problems. */
    public boolean isReadable() {
        return layout == Layout.STRIDED && storage != null && storage.bytes() != null && problems.isEmpty();
    }

    /**
     * Whether {@code TensorBytes} can stream the tensor's values: a readable strided tensor, or a sparse tensor
     * whose parts are all readable (streamed densified). Meta tensors, tensors with problems and GGML block types
     * that are not decoded have none.
     */
    public boolean hasValues() {
        if (isReadable()) {
            return dtype.isDecoded();
        }
        if (layout == Layout.STRIDED || layout == Layout.META || components.isEmpty() || !problems.isEmpty()) {
            return false;
        }
        for (TensorRef part : components.values()) {
            if (!part.isReadable()) {
                return false;
            }
        }
        return true;
    }

    public TensorRef withLocation(String newKey, List<Object> newPath) {
        return new TensorRef(newKey, newPath, dtype, shape, stride, storageOffset, storage, layout, components,
                quantization, flags, pythonType, problems);
    }

    public TensorRef withFlags(Set<Flag> newFlags) {
        return new TensorRef(key, path, dtype, shape, stride, storageOffset, storage, layout, components,
                quantization, newFlags, pythonType, problems);
    }

    public TensorRef withQuantization(Quantization q) {
        return new TensorRef(key, path, dtype, shape, stride, storageOffset, storage, layout, components, q, flags,
                pythonType, problems);
    }

    public TensorRef withPythonType(String type) {
        return new TensorRef(key, path, dtype, shape, stride, storageOffset, storage, layout, components,
                quantization, flags, type, problems);
    }

    public TensorRef withProblem(String problem) {
        List<String> p = new ArrayList<>(problems);
        p.add(problem);
        return new TensorRef(key, path, dtype, shape, stride, storageOffset, storage, layout, components,
                quantization, flags, pythonType, p);
    }

    /** This tensor with a problem recorded when its view reaches past its storage or has negative sizes. */
    public TensorRef checked() {
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || (i < stride.length && stride[i] < 0)) {
                return withProblem("negative size or stride in shape " + Arrays.toString(shape)
                        + " stride " + Arrays.toString(stride));
            }
        }
        if (shape.length != stride.length) {
            return withProblem("shape " + Arrays.toString(shape) + " and stride " + Arrays.toString(stride)
                    + " differ in rank");
        }
        if (storageOffset < 0) {
            return withProblem("negative storage offset " + storageOffset);
        }
        if (storage != null && layout == Layout.STRIDED) {
            long need = requiredStorageElements();
            long have = dtype.elementsIn(storage.byteSize());
            if (need > have) {
                return withProblem("view needs " + need + " elements but storage " + storage.key() + " holds "
                        + have);
            }
            if (storage.bytes() == null) {
                return withProblem("the data of storage " + storage.key() + " is missing from the file");
            }
        }
        return this;
    }

    static long multiplySaturated(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    static long addSaturated(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "TensorRef[" + key + " " + dtype + " " + Arrays.toString(shape) + "]";
    }
}
