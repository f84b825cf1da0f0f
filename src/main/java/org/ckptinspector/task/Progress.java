package org.ckptinspector.task;

/**
 * Bytes processed so far over all units of a piece of work, reported to a monitor from any worker thread in
 * order, with the step being worked on. Adding checks for cancellation.
 */
public final class Progress {
    private final TaskMonitor monitor;
    private final long total;
    private volatile String step;
    private long done;

    public Progress(TaskMonitor monitor, long total, String step) {
        this.monitor = monitor;
        this.total = total;
        this.step = step;
    }

    public Progress(TaskMonitor monitor, long total) {
        this(monitor, total, "");
    }

    /** Names the step the next reports are of. */
    public void step(String message) {
        step = message;
    }

    /** Counts finished bytes; reports stay in order however the threads interleave. */
    public void add(long bytes) {
        synchronized (this) {
            done += bytes;
            monitor.progress(done, total, step);
        }
        monitor.checkCancelled();
    }

    public void checkCancelled() {
        monitor.checkCancelled();
    }

    /** A monitor for a reader within the work: cancellation passes through, its own progress is ignored. */
    public TaskMonitor cancelOnly() {
        return new TaskMonitor() {
            @Override
            public void progress(long d, long t, String message) {
                // counted in bytes by Progress itself
            }

            @Override
            public boolean isCancelled() {
                return monitor.isCancelled();
            }
        };
    }
}
