package org.ckptinspector.diff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.ckptinspector.task.ParallelUnits;
import org.ckptinspector.task.TaskMonitor;

/**
 * The comparison's units of work, run by {@link ParallelUnits}, each thread with its own scratch buffers, and
 * their shared progress.
 */
final class ParallelWork {
    /** Values per decode round: 512 KiB of doubles per array. */
    static final int VALUE_CHUNK = 1 << 16;

    private ParallelWork() {}

    /** One unit of work. */
    @FunctionalInterface
    interface Unit extends ParallelUnits.Unit<Scratch> {}

    /** A thread's own buffers, allocated on first use. */
    static final class Scratch {
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

    static void run(List<Unit> units, int threads, TaskMonitor monitor) throws IOException {
        ParallelUnits.run(units, threads, Scratch::new, monitor, "diff-worker");
    }
}
