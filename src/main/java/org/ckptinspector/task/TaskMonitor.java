package org.ckptinspector.task;

/**
 * How long work reports progress and learns that it should stop. Core code calls it; the GUI adapts it to a
 * JavaFX task, the CLI ignores progress. Implementations must be thread-safe: parallel workers call it.
 */
public interface TaskMonitor {

    /** A monitor that ignores progress and never cancels. */
    TaskMonitor NONE = new TaskMonitor() {
        @Override
        public void progress(long done, long total, String message) {
            // nobody is watching
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    /** Reports {@code done} of {@code total} units (bytes, usually) with a short description of the step. */
    void progress(long done, long total, String message);

    /** True once the user asked to stop; work should then throw {@link CancelledException} soon. */
    boolean isCancelled();

    /** Throws {@link CancelledException} when cancelled; call it between chunks. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException();
        }
    }
}
