package org.ckptinspector.diff;

import java.util.List;
import org.ckptinspector.model.RenameRule;

/**
 * How to line up and compare two checkpoints.
 *
 * @param alignPrefixes find and remove wrapper prefixes ({@code module.}, {@code _orig_mod.}, {@code model.}) and
 *     the state_dict sub-dict of a nested checkpoint, when that lines up more keys than the names as they are
 * @param renames rules applied to A's keys, in order, before anything else
 * @param threads worker threads for the byte and value comparisons
 */
public record DiffOptions(boolean alignPrefixes, List<RenameRule> renames, int threads) {

    public DiffOptions {
        renames = List.copyOf(renames);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
    }

    /** Names as they are, one thread per core. */
    public static DiffOptions defaults() {
        return new DiffOptions(false, List.of(), Runtime.getRuntime().availableProcessors());
    }

    public DiffOptions withAlignPrefixes(boolean align) {
        return new DiffOptions(align, renames, threads);
    }

    public DiffOptions withRenames(List<RenameRule> rules) {
        return new DiffOptions(alignPrefixes, rules, threads);
    }

    public DiffOptions withThreads(int n) {
        return new DiffOptions(alignPrefixes, renames, n);
    }
}
