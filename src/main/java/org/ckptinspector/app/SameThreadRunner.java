package org.ckptinspector.app;

import java.util.function.Consumer;
import org.ckptinspector.task.CancelledException;
import org.ckptinspector.task.TaskMonitor;

/** A {@link TaskRunner} that runs the work at once on the calling thread; for tests and headless use. */
public final class SameThreadRunner implements TaskRunner {

    @Override
    public <T> Handle run(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure,
            Runnable onCancelled) {
        T value;
        try {
            value = work.run(TaskMonitor.NONE);
        } catch (CancelledException e) {
            onCancelled.run();
            return () -> { };
        } catch (Exception e) {
            onFailure.accept(e);
            return () -> { };
        }
        onSuccess.accept(value);
        return () -> { };
    }

    @Override
    public <T> Handle runQuietly(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        return run(title, work, onSuccess, onFailure, () -> { });
    }
}
