package org.ckptinspector.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;

/**
 * Runs independent pieces of statistics work on a given number of threads (the CLI: all cores; the desktop app
 * leaves one to the window). Dedicated pools, one per thread count, because the common pool has one thread fewer
 * than there are cores and the caller of {@code invokeAll} waits instead of helping; with one thread the work
 * runs on the caller's.
 */
final class Workers {
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

    static final long MIN_RANGE = 1 << 20;
    static final long MAX_RANGE = 1 << 28;

    private Workers() {}

    /**
     * Runs the tasks on up to {@code threads} threads and returns their results in task order; the first failure
     * is rethrown as it was. Tasks that a worker starts run on that worker.
     */
    static <T> List<T> run(List<Callable<T>> tasks, int threads) throws IOException {
        List<T> results = new ArrayList<>(tasks.size());
        if (tasks.size() == 1 || threads == 1 || Thread.currentThread() instanceof Worker) {
            for (Callable<T> task : tasks) {
                results.add(call(task));
            }
            return results;
        }
        List<Future<T>> futures = POOLS.computeIfAbsent(threads, n -> new ForkJoinPool(n, Worker::new, null, false))
                .invokeAll(tasks);
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new java.io.InterruptedIOException("interrupted while computing statistics");
            } catch (ExecutionException e) {
                futures.forEach(x -> x.cancel(true));
                throw rethrow(e.getCause());
            }
        }
        return results;
    }

    /** A pool thread (daemon, as all pool threads are). */
    private static final class Worker extends ForkJoinWorkerThread {
        Worker(ForkJoinPool pool) {
            super(pool);
            setName("stats-worker-" + getPoolIndex());
        }
    }

    private static <T> T call(Callable<T> task) throws IOException {
        try {
            return task.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof UncheckedIOException u) {
            return u.getCause();
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }

    /**
     * Splits {@code total} values into (first, count) ranges for the workers: about four per core so that uneven
     * ranges even out, at least {@value #MIN_RANGE} values each so that the per-range overhead stays negligible,
     * at most {@value #MAX_RANGE} so that int counters per range cannot overflow. By cores, not threads, so that
     * partial sums merge in the same order whatever the thread count.
     */
    static List<long[]> ranges(long total) {
        long length = Math.max(MIN_RANGE, (total + 4L * CORES - 1) / (4L * CORES));
        length = Math.min(length, MAX_RANGE);
        List<long[]> out = new ArrayList<>();
        for (long first = 0; first < total; first += length) {
            out.add(new long[] {first, Math.min(length, total - first)});
        }
        return out;
    }
}
