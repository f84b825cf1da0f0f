package org.ckptinspector.gui.task;

import javafx.concurrent.Task;
import org.ckptinspector.task.TaskMonitor;

/**
 * A JavaFX task around core work that reports through a {@link TaskMonitor}: progress and messages reach the
 * task's properties (JavaFX coalesces them, so frequent reports cost the FX thread nothing), and the task's
 * cancel() reaches the work through {@link TaskMonitor#isCancelled()}.
 */
public final class MonitoredTask<T> extends Task<T> {

    /** Core work that reports through a monitor. */
    @FunctionalInterface
    public interface Work<T> {
        T run(TaskMonitor monitor) throws Exception;
    }

    private final Work<T> work;
    private final TaskMonitor monitor = new TaskMonitor() {
        @Override
        public void progress(long done, long total, String message) {
            updateProgress(done, total);
            if (message != null) {
                updateMessage(message);
            }
        }

        @Override
        public boolean isCancelled() {
            return MonitoredTask.this.isCancelled();
        }
    };

    public MonitoredTask(String title, Work<T> work) {
        this.work = work;
        updateTitle(title);
        updateMessage(title);
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
