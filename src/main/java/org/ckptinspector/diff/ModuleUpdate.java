package org.ckptinspector.diff;

/**
 * The roll-up of the update verdicts of one module's tensors (the keys up to their last dot): the widest
 * verdict among them, identical tensors counting as frozen; for a low-rank module the largest rank.
 *
 * @param changedFraction changed elements over all elements of its compared tensors
 * @param tensorsChanged its tensors in {@code changed}
 * @param tensorsIdentical its tensors in {@code identical}
 */
public record ModuleUpdate(String module, UpdateVerdict.Kind kind, Integer deltaRank, double changedFraction,
        int tensorsChanged, int tensorsIdentical) {

    /** The module of a key: the key up to its last dot ({@code ""} for a key without one). */
    public static String moduleOf(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    /** {@code frozen}, {@code noise}, {@code sparse}, {@code low-rank (rank r)} or {@code full}. */
    public String label() {
        return UpdateVerdict.label(kind, deltaRank);
    }
}
