package org.ckptinspector.app;

import org.ckptinspector.gui.icons.Icon;

/** How a row compares between checkpoint A and B, with the icon and words the tree and detail use for it. */
public enum DiffStatus {
    IDENTICAL("identical", Icon.IDENTICAL, "same dtype, shape and bit-identical values"),
    CHANGED("changed", Icon.CHANGED, "values differ"),
    DTYPE_MISMATCH("dtype differs", Icon.MISMATCH, "dtypes differ"),
    SHAPE_MISMATCH("shape differs", Icon.MISMATCH, "shapes differ"),
    ONLY_IN_A("only in A", Icon.ONLY_A, "missing from B"),
    ONLY_IN_B("only in B", Icon.ONLY_B, "missing from A"),
    NOT_COMPARED("not compared", Icon.VALUE, "values cannot be read on one side");

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

    /** The GUI's status for the diff's status of a key or module. */
    public static DiffStatus of(org.ckptinspector.diff.KeyStatus s) {
        return valueOf(s.name());
    }

    /** The CSS pseudo-class name ({@code diff-only-in-a}). */
    public String styleName() {
        return "diff-" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
