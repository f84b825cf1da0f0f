package org.ckptinspector.stats;

import java.util.concurrent.atomic.AtomicLong;
import org.ckptinspector.task.TaskMonitor;

/** Bytes processed so far over all passes and tensors, reported to a monitor from any worker thread. */
final class Progress {
    private final TaskMonitor monitor;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private volatile String step = "";

    Progress(TaskMonitor monitor, long total) {
        this.monitor = monitor;
        this.total = total;
    }

    void step(String message) {
        step = message;
    }

    void add(long bytes) {
        monitor.progress(done.addAndGet(bytes), total, step);
    }

    void checkCancelled() {
        monitor.checkCancelled();
    }

    /** A monitor for the value reader: cancellation passes through, its own progress is ignored. */
    TaskMonitor cancelOnly() {
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
