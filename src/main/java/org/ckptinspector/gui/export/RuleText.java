package org.ckptinspector.gui.export;

import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.ckptinspector.model.RenameRule;

/**
 * A rename rule as the user types it: a Java regex and its replacement ({@code $1} for a group), as the CLI's
 * {@code --rename FROM=TO}. An empty FROM means the row is not used yet.
 */
public final class RuleText {
    private final StringProperty from = new SimpleStringProperty("");
    private final StringProperty to = new SimpleStringProperty("");

    public RuleText(String from, String to) {
        this.from.set(from);
        this.to.set(to);
    }

    public StringProperty fromProperty() {
        return from;
    }

    public StringProperty toProperty() {
        return to;
    }

    /** The compiled rule; empty when FROM is blank. */
    public Optional<RenameRule> rule() {
        if (from.get().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RenameRule.Regex(Pattern.compile(from.get()), to.get()));
    }

    /** Why the rule is invalid (a bad regex or a bad group reference), if it is. */
    public Optional<String> error() {
        if (from.get().isEmpty()) {
            return Optional.empty();
        }
        try {
            Pattern p = Pattern.compile(from.get());
            p.matcher("").replaceAll(to.get());
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("invalid regex: " + e.getDescription());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.of("invalid replacement: " + e.getMessage());
        }
    }
}
