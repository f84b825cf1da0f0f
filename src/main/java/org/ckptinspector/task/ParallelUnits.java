package org.ckptinspector.task;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs independent units of work on a few threads (the caller's among them), each thread with its own scratch
 * state. The first failure or a cancellation stops the others before their next unit and is rethrown once all
 * have stopped. Threads are never interrupted: an interrupt would close any file channel a unit is reading.
 */
public final class ParallelUnits {
    private ParallelUnits() {}

    /** One unit of work, given its thread's scratch state. */
    @FunctionalInterface
    public interface Unit<S> {
        void run(S scratch) throws IOException;
    }

    /** Runs all units on up to {@code threads} threads; helper threads are named {@code name-1, name-2, …}. */
    public static <S> void run(List<? extends Unit<S>> units, int threads, Supplier<S> scratch, TaskMonitor monitor,
            String name) throws IOException {
        if (units.isEmpty()) {
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            S own = scratch.get();
            while (failure.get() == null) {
                int i = next.getAndIncrement();
                if (i >= units.size()) {
                    return;
                }
                try {
                    monitor.checkCancelled();
                    units.get(i).run(own);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int i = 1; i < Math.min(threads, units.size()); i++) {
            Thread t = new Thread(worker, name + "-" + i);
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
