package org.ckptinspector.app;

import java.util.function.Consumer;
import org.ckptinspector.task.TaskMonitor;

/**
 * Runs the app models' work off the window's thread and hands the outcome back on it. The desktop app runs it
 * on its background executor; tests use {@link SameThreadRunner}.
 */
public interface TaskRunner {

    /** Core work that reports through a monitor. */
    @FunctionalInterface
    interface Work<T> {
        T run(TaskMonitor monitor) throws Exception;
    }

    /** A started piece of work; cancelling it stops the work at its next check and calls only onCancelled. */
    interface Handle {
        void cancel();
    }

    /**
     * Runs work the user waits for: shown with its progress, cancellable. Exactly one of the three outcomes is
     * called, on the window's thread.
     */
    <T> Handle run(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure,
            Runnable onCancelled);

    /** Runs quiet work (what the detail pane shows): not shown as the work the user waits for. */
    <T> Handle runQuietly(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure);

    /** Threads for one heavy computation (statistics, comparison, export): all cores but one. */
    static int analysisThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }
}
