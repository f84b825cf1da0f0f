package org.ckptinspector.export;

import java.util.regex.Pattern;

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
     * Parses the CLI's {@code FROM=TO} exactly as {@code diff --rename} does (FROM a Java regex, TO its
     * replacement, split at the last {@code =}), so one rule means the same in both commands.
     */
    static RenameRule parse(String spec) throws ExportException {
        try {
            org.ckptinspector.diff.RenameRule rule = org.ckptinspector.diff.RenameRule.parse(spec);
            return new Regex(rule.from(), rule.to());
        } catch (IllegalArgumentException e) {
            throw new ExportException("--rename: " + e.getMessage());
        }
    }
}
