package org.ckptinspector.io;

import java.io.IOException;
import java.io.InputStream;

/** Reads a region as a stream, chunk by chunk, and tells how far it has read. */
public final class RegionInputStream extends InputStream {
    private static final int CHUNK = 1 << 16;
    private final ByteRegion region;
    private long pos;

    public RegionInputStream(ByteRegion region) {
        this.region = region;
    }

    /** Bytes read or skipped so far. */
    public long position() {
        return pos;
    }

    @Override
    public int read() throws IOException {
        if (pos >= region.length()) {
            return -1;
        }
        return region.slice(pos++, 1).get(0) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos >= region.length()) {
            return -1;
        }
        int n = (int) Math.min(Math.min(len, CHUNK), region.length() - pos);
        region.slice(pos, n).get(b, off, n);
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, region.length() - pos));
        pos += k;
        return k;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, region.length() - pos);
    }
}
