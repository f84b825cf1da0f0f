package org.ckptinspector.gui.diff;

import java.util.Collection;
import org.ckptinspector.gui.icons.Icon;

/** How a row compares between checkpoint A and B; a module takes the status that sums up its children. */
public enum DiffStatus {
    IDENTICAL("identical", Icon.IDENTICAL, "same dtype, shape and bit-identical values"),
    CHANGED("changed", Icon.CHANGED, "values differ"),
    DTYPE_MISMATCH("dtype differs", Icon.MISMATCH, "dtypes differ"),
    SHAPE_MISMATCH("shape differs", Icon.MISMATCH, "shapes differ"),
    ONLY_IN_A("only in A", Icon.ONLY_A, "missing from B"),
    ONLY_IN_B("only in B", Icon.ONLY_B, "missing from A");

    private final String label;
    private final Icon icon;
    private final String description;

    DiffStatus(String label, Icon icon, String description) {
        this.label = label;
        this.icon = icon;
        this.description = description;
    }

    public String label() {
        return label;
    }

    public Icon icon() {
        return icon;
    }

    public String description() {
        return description;
    }

    /** The CSS pseudo-class name ({@code diff-only-in-a}). */
    public String styleName() {
        return "diff-" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The status of a module from its children's: the common status when all agree, else CHANGED (something
     * below differs); null when there is nothing to sum up.
     */
    public static DiffStatus combine(Collection<DiffStatus> children) {
        DiffStatus common = null;
        for (DiffStatus s : children) {
            if (s == null) {
                continue;
            }
            if (common == null) {
                common = s;
            } else if (common != s) {
                return CHANGED;
            }
        }
        return common;
    }
}
