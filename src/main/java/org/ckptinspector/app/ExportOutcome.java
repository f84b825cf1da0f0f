package org.ckptinspector.app;

import org.ckptinspector.export.ExportResult;

/** How the app words a finished export: what was written, that it was verified, and what to know. */
public final class ExportOutcome {
    private ExportOutcome() {}

    /** One line: what was written where. */
    public static String summary(ExportResult r) {
        return "Wrote " + r.tensors() + (r.tensors() == 1 ? " tensor" : " tensors") + " (" + r.storages()
                + (r.storages() == 1 ? " storage" : " storages") + ", " + Formats.bytes(r.fileBytes()) + ") to "
                + r.output() + ".";
    }

    /** The summary, the verification and every note, a line each. */
    public static String details(ExportResult r) {
        StringBuilder b = new StringBuilder(summary(r));
        if (r.verification() != null) {
            b.append("\nVerified: re-read ").append(r.verification().checked())
                    .append(" tensors; every dtype and shape matches and every byte is identical to the source.");
        }
        r.warnings().forEach(w -> b.append("\nNote: ").append(w));
        r.requirements().forEach(q -> b.append("\nNeeds ").append(q));
        return b.toString();
    }
}
