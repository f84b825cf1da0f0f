package org.ckptinspector.gui.task;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;
import org.ckptinspector.task.CancelledException;

/**
 * Runs tasks off the FX thread and publishes the one the user is waiting for, so the status bar can show its
 * progress and a cancel button. Success and failure handlers run on the FX thread; a cancelled task calls
 * neither.
 */
public final class Background {
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "inspector-worker-" + COUNTER.incrementAndGet());
        t.setDaemon(true);
        // Threads these start inherit it. Java priorities are ignored on Linux unless the JVM runs with
        // -XX:ThreadPriorityPolicy=1; then the work runs at a lower nice value than the window.
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final ObjectProperty<Task<?>> current = new SimpleObjectProperty<>();
    private final AtomicInteger running = new AtomicInteger();

    /**
     * Threads for one heavy computation (statistics, comparison, export): all cores but one, which stays with the
     * window, so that the work does not make it stutter.
     */
    public static int analysisThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** The task shown in the status bar, or null when idle. */
    public ReadOnlyObjectProperty<Task<?>> currentProperty() {
        return current;
    }

    /** Runs a task the user waits for: it is shown with progress and can be cancelled. */
    public <T> Task<T> run(Task<T> task, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        current.set(task);
        return submit(task, onSuccess, onFailure, true);
    }

    /** Runs a quiet task (statistics for the detail pane): not shown in the status bar. */
    public <T> Task<T> runQuietly(Task<T> task, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        return submit(task, onSuccess, onFailure, false);
    }

    private <T> Task<T> submit(Task<T> task, Consumer<T> onSuccess, Consumer<Throwable> onFailure, boolean shown) {
        running.incrementAndGet();
        task.stateProperty().addListener((obs, was, state) -> {
            if (state == Worker.State.SUCCEEDED || state == Worker.State.FAILED
                    || state == Worker.State.CANCELLED) {
                running.decrementAndGet();
                if (shown && current.get() == task) {
                    current.set(null);
                }
            }
            if (state == Worker.State.SUCCEEDED) {
                onSuccess.accept(task.getValue());
            } else if (state == Worker.State.FAILED && !(task.getException() instanceof CancelledException)) {
                onFailure.accept(task.getException());
            }
        });
        executor.execute(task);
        return task;
    }

    /** Number of tasks not yet finished (tests wait for zero). */
    public int runningCount() {
        return running.get();
    }

    public void shutdown() {
        executor.shutdownNow();
    }
}
