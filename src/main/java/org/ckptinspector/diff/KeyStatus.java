package org.ckptinspector.diff;

/** What the diff found for one key, or for a module (the combination of its tensors' statuses). */
public enum KeyStatus {
    /** Same dtype, shape and bytes (a module: all its tensors are). */
    IDENTICAL,
    /** Values or dtype differ (a module: its tensors differ in any way, or in different ways). */
    CHANGED,
    /** Both have the key with different shapes. */
    SHAPE_MISMATCH,
    /** Only checkpoint A has it. */
    ONLY_IN_A,
    /** Only checkpoint B has it. */
    ONLY_IN_B,
    /** Both have it but its values could not be read (meta, sparse or broken tensors). */
    NOT_COMPARED;

    /** The status of a module holding tensors of both statuses. */
    KeyStatus combine(KeyStatus other) {
        if (this == other) {
            return this;
        }
        boolean unknownOnly = (this == IDENTICAL || this == NOT_COMPARED)
                && (other == IDENTICAL || other == NOT_COMPARED);
        return unknownOnly ? NOT_COMPARED : CHANGED;
    }
}
