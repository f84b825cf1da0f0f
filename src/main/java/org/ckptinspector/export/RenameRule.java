package org.ckptinspector.export;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** One rewrite of output keys; rules apply in order, each to the result of the one before. */
public sealed interface RenameRule {

    /** The key after this rule. */
    String apply(String key);

    /** Replaces every match of a Java regex; {@code $1} in the replacement names a group. */
    record Regex(Pattern from, String to) implements RenameRule {
        @Override
        public String apply(String key) {
            return from.matcher(key).replaceAll(to);
        }

        @Override
        public String toString() {
            return from.pattern() + "=" + to;
        }
    }

    /** Replaces a leading {@code from} with {@code to}; keys without it stay as they are. */
    record Prefix(String from, String to) implements RenameRule {
        @Override
        public String apply(String key) {
            return key.startsWith(from) ? to + key.substring(from.length()) : key;
        }
    }

    /** Removes a leading prefix such as {@code module.}. */
    static RenameRule stripPrefix(String prefix) {
        return new Prefix(prefix, "");
    }

    /** Puts a prefix before every key. */
    static RenameRule addPrefix(String prefix) {
        return new Prefix("", prefix);
    }

    static RenameRule replacePrefix(String from, String to) {
        return new Prefix(from, to);
    }

    /**
     * Parses the CLI's {@code FROM=TO}: FROM is a Java regex, TO its replacement. The split is at the last
     * {@code =} because a regex may hold one ({@code (?<=x)}) while keys and replacements rarely do.
     */
    static RenameRule parse(String spec) throws ExportException {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0) {
            throw new ExportException("--rename needs FROM=TO with a non-empty FROM regex, got '" + spec + "'");
        }
        String from = spec.substring(0, eq);
        String to = spec.substring(eq + 1);
        Pattern p;
        try {
            p = Pattern.compile(from);
        } catch (PatternSyntaxException e) {
            throw new ExportException("--rename " + spec + ": invalid regex: " + e.getDescription());
        }
        return new Regex(p, to);
    }
}
