package org.ckptinspector.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ckptinspector.model.GlobalRef;

/** Accumulates a scan's findings with bounded memory: a file may name millions of globals. */
final class ScanCollector {
    /** Most globals listed in a report; the verdict still counts every one found. */
    static final int MAX_LISTED = 10_000;
    /** Most warnings and errors kept. */
    static final int MAX_MESSAGES = 100;

    private final List<ScanFinding> listed = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private long unlisted;
    private GlobalClass verdict = GlobalClass.SAFE;
    private final ScanTrace trace;

    ScanCollector() {
        this(ScanTrace.NONE);
    }

    ScanCollector(ScanTrace trace) {
        this.trace = trace;
    }

    /** The trace told of every pickle this scan reads. */
    ScanTrace trace() {
        return trace;
    }

    /** Records a global a pickle names as written; classifies it with {@link GlobalPolicy}. */
    void global(String module, String name, String record, long offset) {
        found(new GlobalRef(module, name, record, offset), GlobalPolicy.classify(module, name));
    }

    /** Records a global the scan cannot name (a computed STACK_GLOBAL operand, an extension code). */
    void unresolved(String module, String name, String record, long offset) {
        found(new GlobalRef(module, name, record, offset), GlobalClass.DANGEROUS);
    }

    private void found(GlobalRef ref, GlobalClass cls) {
        verdict = GlobalPolicy.worse(verdict, cls);
        if (listed.size() < MAX_LISTED) {
            listed.add(new ScanFinding(ref, cls));
        } else {
            unlisted++;
        }
    }

    void warning(String message) {
        if (warnings.size() < MAX_MESSAGES) {
            warnings.add(message);
        }
    }

    void error(String message) {
        if (errors.size() < MAX_MESSAGES) {
            errors.add(message);
        }
    }

    /**
     * Adds what another collector found (an embedded payload's trial scan); its errors become warnings, since
     * only a dangerous call in the outer pickle would unpickle the payload.
     */
    void addAll(ScanCollector other) {
        for (ScanFinding f : other.listed) {
            found(f.global(), f.globalClass());
        }
        unlisted += other.unlisted;
        verdict = GlobalPolicy.worse(verdict, other.verdict);
        other.warnings.forEach(this::warning);
        other.errors.forEach(e -> warning("embedded payload: " + e));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** How many globals have been found so far. */
    long found() {
        return listed.size() + unlisted;
    }

    ScanReport report(Path file) {
        List<String> w = new ArrayList<>(warnings);
        if (unlisted > 0) {
            w.add(unlisted + " more globals were found than the " + MAX_LISTED + " listed");
        }
        return new ScanReport(file, verdict, listed, unlisted, w, errors);
    }
}
