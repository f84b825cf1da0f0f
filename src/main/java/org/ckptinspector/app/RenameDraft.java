package org.ckptinspector.app;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.ckptinspector.model.RenameRule;

/**
 * A rename rule as the user types it: a Java regex and its replacement ({@code $1} for a group), as the CLI's
 * {@code --rename FROM=TO}. An empty FROM means the row is not used yet. Edits notify the export model.
 */
public final class RenameDraft {
    private String from;
    private String to;
    private Runnable changed = () -> { };

    public RenameDraft(String from, String to) {
        this.from = from;
        this.to = to;
    }

    void onChange(Runnable r) {
        changed = r;
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public void setFrom(String s) {
        if (!s.equals(from)) {
            from = s;
            changed.run();
        }
    }

    public void setTo(String s) {
        if (!s.equals(to)) {
            to = s;
            changed.run();
        }
    }

    /** The compiled rule; empty when FROM is blank. */
    public Optional<RenameRule> rule() {
        if (from.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RenameRule.Regex(Pattern.compile(from), to));
    }

    /** Why the rule is invalid (a bad regex or a bad group reference), if it is. */
    public Optional<String> error() {
        if (from.isEmpty()) {
            return Optional.empty();
        }
        try {
            Pattern.compile(from).matcher("").replaceAll(to);
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("invalid regex: " + e.getDescription());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.of("invalid replacement: " + e.getMessage());
        }
    }
}
