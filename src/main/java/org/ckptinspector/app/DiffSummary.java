package org.ckptinspector.app;

import org.ckptinspector.diff.DiffResult;
import org.ckptinspector.diff.LoadStateDictReport;

/**
 * What the diff panel says of a comparison: how the keys were aligned, and what {@code load_state_dict} would
 * do with B as the model, strict or not, worded as torch words it.
 *
 * @param alignment null when the keys were compared as they are
 */
public record DiffSummary(String alignment, String modelClass, LoadStateDictReport loadStateDict) {

    public static DiffSummary of(DiffResult r) {
        return new DiffSummary(r.alignment(), r.modelClass(), r.loadStateDict());
    }

    /** The alignment in one line. */
    public String alignmentText() {
        return alignment == null ? "Keys compared as they are." : "Alignment: " + alignment;
    }

    /** Whether {@code load_state_dict(strict=...)} would succeed. */
    public boolean loads(boolean strict) {
        return loadStateDict.succeeds(strict);
    }

    /** What torch would print (the RuntimeError, or that it loads). */
    public String outcome(boolean strict) {
        return loadStateDict.outcome(modelClass, strict);
    }
}
