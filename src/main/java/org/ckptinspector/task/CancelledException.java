package org.ckptinspector.task;

/** Thrown by core work that stopped because its {@link TaskMonitor} was cancelled. */
public final class CancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelledException() {
        super("cancelled", null, false, false);
    }
}
