package org.ckptinspector.format.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.ckptinspector.io.ByteRegion;

/**
 * A storage written by a big-endian machine ({@code byteorder} record "big"), presented in little-endian order:
 * every {@code unit}-byte value is reversed on read, as torch's {@code storage.byteswap(dtype)} does at load.
 */
public final class ByteSwappedRegion implements ByteRegion {
    private final ByteRegion raw;
    private final int unit;

    public ByteSwappedRegion(ByteRegion raw, int unit) {
        this.raw = raw;
        this.unit = unit;
    }

    @Override
    public long length() {
        return raw.length();
    }

    @Override
    public ByteBuffer slice(long position, int length) throws IOException {
        ByteRegion.checkBounds(this, position, length);
        long start = position - position % unit;
        long end = Math.min(raw.length(), (position + length + unit - 1) / unit * unit);
        ByteBuffer src = raw.slice(start, (int) (end - start));
        byte[] b = new byte[src.remaining()];
        src.get(b);
        for (int at = 0; at + unit <= b.length; at += unit) {
            for (int i = 0, j = unit - 1; i < j; i++, j--) {
                byte t = b[at + i];
                b[at + i] = b[at + j];
                b[at + j] = t;
            }
        }
        return ByteBuffer.wrap(b, (int) (position - start), length).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
