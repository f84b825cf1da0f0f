package org.ckptinspector;

import java.util.concurrent.atomic.AtomicLong;
import org.ckptinspector.task.TaskMonitor;

/** A task monitor that keeps the most work reported done and the last total, for tests of progress. */
public final class ProgressRecorder implements TaskMonitor {
    private final AtomicLong mostDone = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    @Override
    public void progress(long done, long all, String message) {
        mostDone.accumulateAndGet(done, Math::max);
        total.set(all);
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    public long mostDone() {
        return mostDone.get();
    }

    public long total() {
        return total.get();
    }
}
