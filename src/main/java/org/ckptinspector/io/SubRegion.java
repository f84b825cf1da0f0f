package org.ckptinspector.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/** A window onto part of another region. */
final class SubRegion implements ByteRegion {
    private final ByteRegion parent;
    private final long offset;
    private final long length;

    private SubRegion(ByteRegion parent, long offset, long length) {
        this.parent = parent;
        this.offset = offset;
        this.length = length;
    }

    static ByteRegion of(ByteRegion parent, long offset, long length) {
        ByteRegion.checkBounds(parent, offset, length);
        if (parent instanceof SubRegion s) {
            return new SubRegion(s.parent, s.offset + offset, length);
        }
        return new SubRegion(parent, offset, length);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public ByteBuffer slice(long position, int len) throws IOException {
        ByteRegion.checkBounds(this, position, len);
        return parent.slice(offset + position, len);
    }

    @Override
    public Optional<FileSpan> fileSpan() {
        return parent.fileSpan().map(s -> s.sub(offset, length));
    }
}
