package org.ckptinspector.app;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.ckptinspector.model.DType;

/**
 * Which rows the tree shows: those whose full key contains the text (ignoring case) or matches the regex, and
 * whose dtype is among the chosen ones, plus every ancestor of such a row.
 *
 * @param text the substring or regex; blank shows everything
 * @param regex whether {@code text} is a Java regex (found anywhere in the key unless anchored)
 * @param dtypes the dtypes to show; empty means all (value rows then show too)
 */
public record LayerFilter(String text, boolean regex, Set<DType> dtypes) {
    public static final LayerFilter NONE = new LayerFilter("", false, Set.of());

    public LayerFilter {
        text = text == null ? "" : text.strip();
        dtypes = dtypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(dtypes));
    }

    public boolean isEmpty() {
        return text.isEmpty() && dtypes.isEmpty();
    }

    /** The reason {@code text} is not a valid regex, if it is one and is not. */
    public Optional<String> regexError() {
        if (!regex || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Pattern.compile(text);
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of(e.getDescription());
        }
    }

    /** Whether a row matches by itself (its ancestors are shown by {@link FilteredTree}). */
    public Predicate<LayerNode> rowPredicate() {
        Predicate<String> keyMatch = keyPredicate();
        return n -> {
            if (n.kind() == LayerNode.Kind.ROOT) {
                return false;
            }
            return typeMatches(n) && keyMatch.test(n.key());
        };
    }

    /** Whether the row passes the dtype part of the filter (always, when no dtype is chosen). */
    public boolean typeMatches(LayerNode n) {
        return dtypes.isEmpty() || n.tensor().isPresent() && dtypes.contains(n.tensor().get().dtype());
    }

    private Predicate<String> keyPredicate() {
        if (text.isEmpty()) {
            return k -> true;
        }
        if (regex) {
            if (regexError().isPresent()) {
                return k -> false;
            }
            Pattern p = Pattern.compile(text);
            return k -> p.matcher(k).find();
        }
        String needle = text.toLowerCase(Locale.ROOT);
        return k -> k.toLowerCase(Locale.ROOT).contains(needle);
    }
}
