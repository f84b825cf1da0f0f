package org.ckptinspector.diff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A comparison thread's own buffers, allocated on first use: the scratch state of the diff's parallel units. */
final class ThreadBuffers {
    /** Values per decode round: 512 KiB of doubles per array. */
    static final int VALUE_CHUNK = 1 << 16;

    private ByteBuffer spareA;
    private ByteBuffer spareB;
    final double[][] values = new double[4][];

    ByteBuffer spare(boolean first, int bytes) {
        ByteBuffer b = first ? spareA : spareB;
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (first) {
                spareA = b;
            } else {
                spareB = b;
            }
        }
        b.clear();
        return b;
    }

    double[] values(int i) {
        if (values[i] == null) {
            values[i] = new double[VALUE_CHUNK];
        }
        return values[i];
    }
}
