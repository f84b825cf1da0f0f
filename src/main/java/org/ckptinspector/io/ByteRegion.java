package org.ckptinspector.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A read-only, randomly addressable run of bytes: a memory-mapped part of a file, an inflated zip record,
 * or a byte array in tests. Positions are relative to the region's start.
 */
public interface ByteRegion {

    /** Number of bytes in the region. */
    long length();

    /**
     * Returns {@code length} bytes starting at {@code position} as a little-endian buffer whose position is 0.
     * The buffer is a zero-copy view when the bytes lie in one mapping and a fresh copy otherwise; callers must
     * not keep it beyond the region's life.
     */
    ByteBuffer slice(long position, int length) throws IOException;

    /** A sub-region; the bounds are checked here, once. */
    default ByteRegion region(long offset, long length) {
        return SubRegion.of(this, offset, length);
    }

    /**
     * The file range that holds exactly this region's bytes, when it is one: empty for inflated, byte-swapped or
     * in-memory bytes, which exist only as {@link #slice} returns them.
     */
    default Optional<FileSpan> fileSpan() {
        return Optional.empty();
    }

    static ByteRegion of(byte[] bytes) {
        return new HeapRegion(ByteBuffer.wrap(bytes));
    }

    static void checkBounds(ByteRegion region, long position, long length) {
        if (position < 0 || length < 0 || position > region.length() - length) {
            throw new IndexOutOfBoundsException("range [" + position + ", " + position + "+" + length
                    + ") is outside a region of " + region.length() + " bytes");
        }
    }
}
