package org.ckptinspector.diff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;

/**
 * Runs independent units of work on a few threads (the caller's among them), each thread with its own scratch
 * buffers. The first failure or a cancellation stops the others before their next unit and is rethrown.
 */
final class ParallelWork {
    /** Values per decode round: 512 KiB of doubles per array. */
    static final int VALUE_CHUNK = 1 << 16;

    private ParallelWork() {}

    /** One unit of work. */
    @FunctionalInterface
    interface Unit {
        void run(Scratch scratch) throws IOException;
    }

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

    /** Progress in bytes over all units of one phase, reported as blocks finish (one per few MiB). */
    static final class Progress {
        private final TaskMonitor monitor;
        private final long total;
        private final String message;
        private long done;

        Progress(TaskMonitor monitor, long total, String message) {
            this.monitor = monitor;
            this.total = total;
            this.message = message;
        }

        /** Counts finished bytes; reports stay in order however the threads interleave. */
        void add(long bytes) {
            synchronized (this) {
                done += bytes;
                monitor.progress(done, total, message);
            }
            monitor.checkCancelled();
        }
    }

    static void run(List<Unit> units, int threads, TaskMonitor monitor) throws IOException {
        if (units.isEmpty()) {
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            Scratch scratch = new Scratch();
            while (failure.get() == null) {
                int i = next.getAndIncrement();
                if (i >= units.size()) {
                    return;
                }
                try {
                    monitor.checkCancelled();
                    units.get(i).run(scratch);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int i = 1; i < Math.min(threads, units.size()); i++) {
            Thread t = new Thread(worker, "diff-worker-" + i);
            t.setDaemon(true);
            t.start();
            helpers.add(t);
        }
        worker.run();
        joinAll(helpers, failure);
        rethrow(failure.get());
    }

    private static void joinAll(List<Thread> threads, AtomicReference<Throwable> failure) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    failure.compareAndSet(null, new CancelledException());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t == null) {
            return;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
