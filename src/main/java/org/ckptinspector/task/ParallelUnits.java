package org.ckptinspector.task;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The one parallel runner: runs independent units of work on the caller's thread and up to {@code threads - 1}
 * threads of a shared pool (one daemon thread per core, ended after 30 s idle), each thread with its own scratch
 * state.
 *
 * <ul>
 *   <li>A run started from within a unit (on a pool thread or on a caller running units) runs inline on that
 *       thread: nested work neither deadlocks nor oversubscribes the cores.</li>
 *   <li>The caller works too, and pool threads only join while units are left, so a busy pool delays a run but
 *       never blocks it.</li>
 *   <li>The first failure, a cancelled monitor or an interrupt of the caller stops every thread before its next
 *       unit; once all have stopped the first failure is rethrown as it was thrown (an interrupt or a cancel as
 *       {@link CancelledException}). Pool threads are never interrupted: that would close any file channel a unit
 *       is reading.</li>
 *   <li>Results are in unit order whatever thread ran them, so reductions combined in that order are
 *       deterministic.</li>
 * </ul>
 */
public final class ParallelUnits {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    /** True on a thread while it runs units: a run started there runs inline. */
    private static final ThreadLocal<Boolean> RUNNING_UNITS = ThreadLocal.withInitial(() -> false);
    private static final ThreadPoolExecutor POOL = pool();

    private ParallelUnits() {}

    /** One unit of work, given its thread's scratch state. */
    @FunctionalInterface
    public interface Unit<S> {
        void run(S scratch) throws IOException;
    }

    /** One unit of work that computes a result. */
    @FunctionalInterface
    public interface Task<T> {
        T call() throws IOException;
    }

    /** Runs all units on up to {@code threads} threads (the caller's among them), each with its own scratch. */
    public static <S> void run(List<? extends Unit<S>> units, int threads, Supplier<S> scratch, TaskMonitor monitor)
            throws IOException {
        if (units.isEmpty()) {
            return;
        }
        if (threads <= 1 || units.size() == 1 || RUNNING_UNITS.get()) {
            runInline(units, scratch, monitor);
            return;
        }
        Run<S> run = new Run<>(units, scratch, monitor);
        for (int i = 1; i < Math.min(threads, units.size()); i++) {
            POOL.execute(run::help);
        }
        run.work();
        run.awaitHelpers();
        rethrow(run.failure.get());
    }

    /** Runs the tasks on up to {@code threads} threads and returns their results in task order. */
    public static <T> List<T> map(List<? extends Task<T>> tasks, int threads, TaskMonitor monitor)
            throws IOException {
        Object[] results = new Object[tasks.size()];
        List<Unit<Void>> units = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            int at = i;
            units.add(none -> results[at] = tasks.get(at).call());
        }
        run(units, threads, () -> null, monitor);
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) Arrays.asList(results);
        return list;
    }

    private static <S> void runInline(List<? extends Unit<S>> units, Supplier<S> scratch, TaskMonitor monitor)
            throws IOException {
        boolean before = RUNNING_UNITS.get();
        RUNNING_UNITS.set(true);
        try {
            S own = scratch.get();
            for (Unit<S> unit : units) {
                checkStopped(monitor);
                unit.run(own);
            }
        } finally {
            RUNNING_UNITS.set(before);
        }
    }

    private static void checkStopped(TaskMonitor monitor) {
        monitor.checkCancelled();
        if (Thread.currentThread().isInterrupted()) {
            throw new CancelledException();
        }
    }

    /** The shared state of one parallel run. */
    private static final class Run<S> {
        private final List<? extends Unit<S>> units;
        private final Supplier<S> scratch;
        private final TaskMonitor monitor;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private int helping;
        private boolean closed;

        Run(List<? extends Unit<S>> units, Supplier<S> scratch, TaskMonitor monitor) {
            this.units = units;
            this.scratch = scratch;
            this.monitor = monitor;
        }

        /** A pool thread's share: nothing once the caller has finished. */
        void help() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                helping++;
            }
            try {
                work();
            } finally {
                synchronized (this) {
                    helping--;
                    notifyAll();
                }
            }
        }

        /** Takes units until none are left or the run stopped. */
        void work() {
            boolean before = RUNNING_UNITS.get();
            RUNNING_UNITS.set(true);
            try {
                S own = null;
                boolean made = false;
                while (failure.get() == null) {
                    int i = next.getAndIncrement();
                    if (i >= units.size()) {
                        return;
                    }
                    try {
                        checkStopped(monitor);
                        if (!made) {
                            own = scratch.get();
                            made = true;
                        }
                        units.get(i).run(own);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }
            } finally {
                RUNNING_UNITS.set(before);
            }
        }

        /** Lets no more pool threads join and waits for those working; an interrupt stops them early. */
        void awaitHelpers() {
            boolean interrupted = false;
            synchronized (this) {
                closed = true;
                while (helping > 0) {
                    try {
                        wait();
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

    private static ThreadPoolExecutor pool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(CORES, CORES, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "parallel-unit-" + THREAD_NUMBER.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
