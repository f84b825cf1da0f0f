package org.ckptinspector.diff;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code FROM=TO} rule that renames checkpoint A's keys into B's naming: {@code FROM} is a Java regex found
 * anywhere in the key unless anchored, {@code TO} its replacement ({@code $1} refers to a group); every match is
 * replaced, as Python's {@code re.sub} does.
 */
public record RenameRule(Pattern from, String to) {

    public RenameRule {
        Objects.requireNonNull(from);
        Objects.requireNonNull(to);
    }

    /**
     * Parses {@code FROM=TO}, split at the last {@code =} so that a lookaround such as {@code (?<=x)} can stay
     * in FROM.
     *
     * @throws IllegalArgumentException when there is no {@code =}, FROM is empty or not a valid regex
     */
    public static RenameRule parse(String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("rename rule '" + spec + "' is not of the form FROM=TO");
        }
        String to = spec.substring(eq + 1);
        try {
            Pattern from = Pattern.compile(spec.substring(0, eq));
            // FROM or nothing: matches the empty string with FROM's groups, so a bad reference in TO fails now
            Pattern.compile("(?:" + from.pattern() + ")|").matcher("").replaceFirst(to);
            return new RenameRule(from, to);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("rename rule '" + spec + "': FROM is not a valid regex: "
                    + e.getDescription());
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException("rename rule '" + spec + "': TO is not a valid replacement: "
                    + e.getMessage());
        }
    }

    /** The key with every match of FROM replaced by TO. */
    public String apply(String key) {
        return from.matcher(key).replaceAll(to);
    }

    @Override
    public String toString() {
        return from.pattern() + "=" + to;
    }
}
