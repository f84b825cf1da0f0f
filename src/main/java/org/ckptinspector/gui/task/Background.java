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
import org.ckptinspector.app.TaskRunner;
import org.ckptinspector.task.CancelledException;

/**
 * The desktop app's {@link TaskRunner}: runs tasks off the FX thread and publishes the one the user is waiting
 * for, so the status bar can show its progress and a cancel button. Outcome handlers run on the FX thread.
 */
public final class Background implements TaskRunner {
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

    /** The task shown in the status bar, or null when idle. */
    public ReadOnlyObjectProperty<Task<?>> currentProperty() {
        return current;
    }

    /** A running task; views bind its progress and message. */
    public record TaskHandle(Task<?> task) implements Handle {
        @Override
        public void cancel() {
            task.cancel();
        }
    }

    @Override
    public <T> TaskHandle run(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure,
            Runnable onCancelled) {
        MonitoredTask<T> task = new MonitoredTask<>(title, work);
        current.set(task);
        task.setOnCancelled(e -> onCancelled.run());
        return new TaskHandle(submit(task, onSuccess, onFailure, true));
    }

    @Override
    public <T> TaskHandle runQuietly(String title, Work<T> work, Consumer<T> onSuccess,
            Consumer<Throwable> onFailure) {
        return new TaskHandle(submit(new MonitoredTask<>(title, work), onSuccess, onFailure, false));
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
