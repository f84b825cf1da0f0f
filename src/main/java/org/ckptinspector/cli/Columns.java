package org.ckptinspector.cli;

/**
 * Text padded to a column's width, as {@code %-Ns} and {@code %Ns} print it. The commands' tables are built
 * with it instead of {@code printf}, whose first number loads the JDK's locale data at every start.
 */
final class Columns {
    private Columns() {}

    /** {@code text} left-justified in {@code width} characters. */
    static String left(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** {@code text} right-justified in {@code width} characters. */
    static String right(String text, int width) {
        return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
    }
}
