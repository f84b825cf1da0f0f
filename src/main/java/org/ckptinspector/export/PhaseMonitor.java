package org.ckptinspector.export;

import org.ckptinspector.task.TaskMonitor;

/**
 * Maps one phase's progress (writing, verifying) onto its share of the whole export, so that a progress bar runs
 * once from start to end. Stateless, hence as thread-safe as the monitor it reports to.
 */
final class PhaseMonitor implements TaskMonitor {
    private final TaskMonitor whole;
    private final long start;
    private final long length;
    private final long total;

    /** A phase that covers units {@code [start, start + length)} of {@code total}. */
    PhaseMonitor(TaskMonitor whole, long start, long length, long total) {
        this.whole = whole;
        this.start = start;
        this.length = length;
        this.total = total;
    }

    @Override
    public void progress(long done, long phaseTotal, String message) {
        long within = phaseTotal <= 0 ? length : Math.round((double) Math.min(done, phaseTotal) / phaseTotal * length);
        whole.progress(start + within, total, message);
    }

    @Override
    public boolean isCancelled() {
        return whole.isCancelled();
    }
}
