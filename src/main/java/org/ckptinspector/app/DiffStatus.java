package org.ckptinspector.app;

/** How a row compares between checkpoint A and B, with the words the tree and detail use for it. */
public enum DiffStatus {
    IDENTICAL("identical", "same dtype, shape and bit-identical values"),
    CHANGED("changed", "values differ"),
    DTYPE_MISMATCH("dtype differs", "dtypes differ"),
    SHAPE_MISMATCH("shape differs", "shapes differ"),
    ONLY_IN_A("only in A", "missing from B"),
    ONLY_IN_B("only in B", "missing from A"),
    NOT_COMPARED("not compared", "values cannot be read on one side");

    private final String label;
    private final String description;

    DiffStatus(String label, String description) {
        this.label = label;
        this.description = description;
    }

    public String label() {
        return label;
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
