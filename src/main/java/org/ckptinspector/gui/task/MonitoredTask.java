package org.ckptinspector.gui.task;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.concurrent.Task;
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.task.TaskMonitor;

/**
 * A JavaFX task around core work that reports through a {@link TaskMonitor}: progress and messages reach the
 * task's properties at most {@value #PUBLISHES_PER_SECOND} times a second, and the task's cancel() reaches the
 * work through {@link TaskMonitor#isCancelled()}.
 *
 * <p>Core work reports per chunk, thousands of times a second. JavaFX coalesces updates only while one is
 * still queued, so it would post one to the FX thread after another, each relaying out the status bar and
 * repainting a frame, which takes the FX thread a noticeable share of a long task. Here the latest
 * report waits until its turn instead: none is lost, the last one arrives within a tenth of a second.
 */
public final class MonitoredTask<T> extends Task<T> {
    static final int PUBLISHES_PER_SECOND = 10;
    private static final long INTERVAL_NANOS = 1_000_000_000L / PUBLISHES_PER_SECOND;
    private static final ScheduledExecutorService PUBLISHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress-publisher");
        t.setDaemon(true);
        return t;
    });

    private record Report(long done, long total, String message) {}

    private final TaskRunner.Work<T> work;
    private final AtomicReference<Report> latest = new AtomicReference<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile long lastPublished = System.nanoTime() - INTERVAL_NANOS;
    private final TaskMonitor monitor = new TaskMonitor() {
        @Override
        public void progress(long done, long total, String message) {
            latest.set(new Report(done, total, message));
            if (scheduled.compareAndSet(false, true)) {
                long wait = Math.max(0, lastPublished + INTERVAL_NANOS - System.nanoTime());
                PUBLISHER.schedule(MonitoredTask.this::publish, wait, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public boolean isCancelled() {
            return MonitoredTask.this.isCancelled();
        }
    };

    public MonitoredTask(String title, TaskRunner.Work<T> work) {
        this.work = work;
        updateTitle(title);
        updateMessage(title);
    }

    /** Hands the latest report to the task's properties; a report made meanwhile schedules the next turn. */
    private void publish() {
        scheduled.set(false);
        lastPublished = System.nanoTime();
        Report r = latest.getAndSet(null);
        if (r == null || isDone()) {
            return;
        }
        updateProgress(r.done(), r.total());
        if (r.message() != null) {
            updateMessage(r.message());
        }
    }

    /**
     * Cancels without interrupting the worker: core work stops at its next {@link TaskMonitor#checkCancelled()},
     * whereas an interrupt would close any FileChannel it is using mid-write.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return super.cancel(false);
    }

    @Override
    protected T call() throws Exception {
        return work.run(monitor);
    }
}
