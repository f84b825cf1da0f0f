package org.ckptinspector.security;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ckptinspector.model.Checkpoint;
import org.ckptinspector.model.CheckpointException;
import org.ckptinspector.task.TaskMonitor;

/**
 * Every global an opened checkpoint's pickles name: those of the pickle the reader interpreted, then those only
 * the static scan finds (a pickle appended after the first, an extra pickle record, a pickle embedded in the
 * data). A payload hidden beside a clean state_dict is thus reported by {@code inspect} and the desktop app's
 * banner, not by {@code scan} alone.
 */
public final class CheckpointGlobals {
    private CheckpointGlobals() {}

    /** Distinct {@code module.name} of every global, in first-seen order. */
    public static List<String> names(Checkpoint c) {
        Set<String> names = new LinkedHashSet<>(c.globalNames());
        try {
            for (ScanFinding f : CheckpointScanner.scan(c, TaskMonitor.NONE).globals()) {
                names.add(f.name());
            }
        } catch (CheckpointException e) {
            // The reader opened what the scanner refuses (it is stricter about some archives): keep the
            // reader's globals; `scan` names the problem.
        }
        return new ArrayList<>(names);
    }

    /** The names outside torch's weights_only allow-list, in the order given. */
    public static List<String> unsafe(List<String> names) {
        return names.stream().filter(n -> GlobalPolicy.classify(n) != GlobalClass.SAFE).toList();
    }
}
