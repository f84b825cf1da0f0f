package org.ckptinspector.model;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One rewrite of tensor keys, the same for diff (A's keys into B's naming) and export (the output's keys);
 * rules apply in order, each to the result of the one before.
 */
public sealed interface RenameRule {

    /** The key after this rule. */
    String apply(String key);

    /**
     * Replaces every match of a Java regex found anywhere in the key unless anchored, as Python's
     * {@code re.sub} does; {@code $1} in the replacement names a group.
     */
    record Regex(Pattern from, String to) implements RenameRule {
        public Regex {
            Objects.requireNonNull(from);
            Objects.requireNonNull(to);
        }

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

        @Override
        public String toString() {
            return "^" + Pattern.quote(from) + "=" + to;
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
     * Parses {@code FROM=TO} (FROM a Java regex, TO its replacement), split at the last {@code =} so that a
     * lookaround such as {@code (?<=x)} can stay in FROM.
     *
     * @throws IllegalArgumentException when there is no {@code =}, FROM is empty or not a valid regex, or TO
     *     names a group FROM does not have
     */
    static Regex parse(String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("rename rule '" + spec + "' is not of the form FROM=TO");
        }
        String to = spec.substring(eq + 1);
        try {
            Pattern from = Pattern.compile(spec.substring(0, eq));
            // FROM or nothing: matches the empty string with FROM's groups, so a bad reference in TO fails now
            Pattern.compile("(?:" + from.pattern() + ")|").matcher("").replaceFirst(to);
            return new Regex(from, to);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("rename rule '" + spec + "': FROM is not a valid regex: "
                    + e.getDescription());
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException("rename rule '" + spec + "': TO is not a valid replacement: "
                    + e.getMessage());
        }
    }
}
