package org.ckptinspector.security;

import java.nio.file.Path;
import java.util.List;

/**
 * What a scan found in one file.
 *
 * @param verdict the most severe class of every global found, listed or not; SAFE when there is none
 * @param globals the globals in file order, at most {@link ScanCollector#MAX_LISTED}
 * @param unlisted how many more globals were found than are listed
 * @param warnings what the scan noticed without it putting the verdict in doubt (bytes after a STOP that are no
 *     pickle, an embedded payload cut short)
 * @param errors why part of the file could not be scanned; a verdict with errors is incomplete and never
 *     counts as safe
 */
public record ScanReport(Path file, GlobalClass verdict, List<ScanFinding> globals, long unlisted,
        List<String> warnings, List<String> errors) {

    public ScanReport {
        globals = List.copyOf(globals);
        warnings = List.copyOf(warnings);
        errors = List.copyOf(errors);
    }

    /** True when every pickle was scanned to its end. */
    public boolean isComplete() {
        return errors.isEmpty();
    }
}
