package org.ckptinspector.model;

import java.util.Objects;
import java.util.Optional;
import org.ckptinspector.io.ByteRegion;

/**
 * A run of tensor bytes that one or more tensors view. The bytes stay where they are (a mapped file region or a
 * lazily inflated record) until a reader asks for them.
 *
 * @param key the storage's name in its file ({@code "0"} for {@code data/0}); for formats without shared
 *     storages, the tensor's own name
 * @param dtype the element type of the first tensor that referenced it
 * @param byteSize size in bytes the file declares
 * @param location device tag as saved ({@code cpu}, {@code cuda:0}); empty when the format has none
 * @param bytes the bytes, or null when the file lacks them (a missing record)
 * @param shareable true when other tensors may view the same storage (torch formats), false for safetensors
 */
public record Storage(String key, DType dtype, long byteSize, String location, ByteRegion bytes, boolean shareable) {
    public Storage {
        Objects.requireNonNull(key);
        Objects.requireNonNull(dtype);
    }

    public Optional<ByteRegion> region() {
        return Optional.ofNullable(bytes);
    }

    /** Number of elements of {@link #dtype()} the storage holds. */
    public long elementCount() {
        return byteSize / dtype.itemSize();
    }
}
