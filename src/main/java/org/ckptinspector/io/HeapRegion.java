package org.ckptinspector.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A region backed by a heap or direct buffer: small records, inflated data, tests. */
public final class HeapRegion implements ByteRegion {
    private final ByteBuffer buffer;

    public HeapRegion(ByteBuffer buffer) {
        this.buffer = buffer.slice().asReadOnlyBuffer();
    }

    @Override
    public long length() {
        return buffer.capacity();
    }

    @Override
    public ByteBuffer slice(long position, int length) {
        ByteRegion.checkBounds(this, position, length);
        return buffer.slice((int) position, length).order(ByteOrder.LITTLE_ENDIAN);
    }
}
