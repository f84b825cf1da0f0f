package org.ckptinspector.app;

/**
 * One labelled line of the detail pane in Compare mode: the value in A and in B ({@code null}: that side has no
 * such line).
 */
public record SideFact(String label, String a, String b) {
    /** Whether the two sides show different values. */
    public boolean differs() {
        return a == null ? b != null : !a.equals(b);
    }
}
